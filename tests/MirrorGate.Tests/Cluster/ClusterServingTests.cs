using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Cluster;

/// <summary>Three real nodes on Redis and PostgreSQL behave as one gateway.</summary>
public sealed class ClusterServingTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>
{
    private NodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Every_node_serves_from_one_pool_and_the_membership_shows_three_active_silos()
    {
        await Cluster.AddPooledAccountAsync("serve-all@example.com", node: 1);

        foreach (var node in Cluster.Gateways)
        {
            using var client = node.CreateClient(GatewayApp.ServiceKey);
            await Eventually.WaitUntilAsync(async () => (await client.ChatAsync("from " + node.BaseUrl)).StatusCode == HttpStatusCode.OK,
                $"{node.BaseUrl} serves from the pool");
        }

        using var admin = Cluster.Gateways[2].CreateClient(GatewayApp.AdminPassword);
        var membership = await admin.GetFromJsonAsync<JsonObject>("/api/cluster");
        Assert.Equal("cluster", membership!["mode"]!.GetValue<string>());
        Assert.Equal(3, membership["alive"]!.GetValue<int>());
        Assert.Single(membership["nodes"]!.AsArray(), n => n!["self"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_account_disabled_on_one_node_stops_being_picked_on_every_node_within_a_second()
    {
        await Cluster.AddPooledAccountAsync("disable-a@example.com", node: 0);
        await Cluster.AddPooledAccountAsync("disable-b@example.com", node: 1);
        var clients = Cluster.Gateways.Select(n => n.CreateClient(GatewayApp.ServiceKey)).ToArray();
        await Eventually.WaitUntilAsync(async () =>
        {
            using var warmUp = await clients[2].ChatAsync("warm up");
            return Cluster.Simulator.CallCount("f/conversation", "disable-a@example.com") > 0;
        }, "a node that did not import the account picks it");

        using (var admin = Cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword))
        {
            using var disabled = await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = "disable-a@example.com", disabled = true, reason = "test" });
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }

        var changedAt = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1) - changedAt.Elapsed);
        var before = Cluster.Simulator.CallCount("f/conversation", "disable-a@example.com");
        for (var i = 0; i < 12; i++)
        {
            using var response = await clients[i % 3].ChatAsync($"after the disable {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before, Cluster.Simulator.CallCount("f/conversation", "disable-a@example.com"));
    }

    [Fact]
    public async Task A_user_limit_is_exact_across_nodes_under_concurrent_requests()
    {
        await Cluster.AddPooledAccountAsync("limit-cluster@example.com", node: 2);
        string token;
        using (var admin = Cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword))
        {
            using var issued = await admin.PostAsJsonAsync("/api/get-mirror-token", new
            {
                user_name = "cluster-limited",
                limits = new[] { new { model_name = "auto", every_minute = 60, limit_count = 7 } },
                chatgpt_list = new[] { "limit-cluster@example.com" },
            });
            token = (await issued.Content.ReadFromJsonAsync<JsonArray>())![0]!["mirror_token"]!.GetValue<string>();
        }

        var clients = Cluster.Gateways.Select(n => n.CreateClient(token)).ToArray();
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => clients[i % 3].ChatAsync($"limited {i}")));

        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(23, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(7, Cluster.Simulator.CallCount("f/conversation", "limit-cluster@example.com"));
    }

    [Fact]
    public async Task A_conversation_started_on_one_node_continues_on_another_and_usage_counts_agree()
    {
        await Cluster.AddPooledAccountAsync("continue-cluster@example.com", node: 0);
        string token;
        using (var admin = Cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword))
        {
            using var issued = await admin.PostAsJsonAsync("/api/get-mirror-token", new { user_name = "cluster-talker", chatgpt_list = new[] { "continue-cluster@example.com" } });
            token = (await issued.Content.ReadFromJsonAsync<JsonArray>())![0]!["mirror_token"]!.GetValue<string>();
        }

        using var first = await Cluster.Gateways[0].CreateClient(token).ChatAsync("turn one");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var conversationId = (await first.JsonAsync())["conversation_id"]!.GetValue<string>();
        using var second = await Cluster.Gateways[1].CreateClient(token).ChatAsync("turn two", conversationId: conversationId);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Echo #2: turn two", await second.ContentAsync());

        foreach (var node in Cluster.Gateways)
        {
            using var admin = node.CreateClient(GatewayApp.AdminPassword);
            using var counts = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "cluster-talker" } });
            Assert.Equal(2, (await counts.Content.ReadFromJsonAsync<JsonObject>())!["cluster-talker"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task A_code_revoked_on_one_node_is_refused_by_the_very_next_request_on_every_node_that_had_it_cached()
    {
        await Cluster.AddPooledAccountAsync("revoke-cluster@example.com", node: 0);
        using var adminApi = Cluster.Gateways[0].CreateClient();
        adminApi.DefaultRequestHeaders.Add("adminapi", ThreeNodeCluster.AdminApiSecret);

        // A generated code (mg-…, the mirror-token path) and an operator's own code (the activation-code path).
        var codes = new List<string>();
        foreach (var body in new object[] { new { plan = "plus" }, new { code = "CLUSTER-OWN-CODE-0001", plan = "plus" } })
        {
            using var created = await adminApi.PostAsJsonAsync("/adminapi/createActivationCode", body);
            var json = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(created.IsSuccessStatusCode && json["code"]!.GetValue<int>() == 1, json.ToJsonString());
            codes.Add(json["data"]!["activation_code"]!.GetValue<string>());
        }

        // Every node serves each code once (the pool reaches each node by a push), so each holds its record.
        foreach (var node in Cluster.Gateways)
        {
            foreach (var code in codes)
            {
                using var client = node.CreateClient(code);
                await Eventually.WaitUntilAsync(async () =>
                {
                    using var response = await client.ChatAsync("before the revocation");
                    return response.StatusCode == HttpStatusCode.OK;
                }, $"{node.BaseUrl} serves the code");
            }
        }

        foreach (var code in codes)
        {
            using var revoked = await adminApi.PostAsJsonAsync("/adminapi/revokeActivationCode", new { code });
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

            foreach (var node in Cluster.Gateways)
            {
                using var client = node.CreateClient(code);
                using var refused = await client.ChatAsync("after the revocation");
                Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{node.BaseUrl} answered {(int)refused.StatusCode} right after the revocation");
            }
        }
    }
}
