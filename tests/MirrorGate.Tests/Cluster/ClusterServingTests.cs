using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// Three gateway nodes on one PostgreSQL schema, requests spread across them: limits, refreshes and
/// operator changes hold for the cluster as a whole, not per node.
/// </summary>
public sealed class ClusterServingTests
{
    [Fact]
    public async Task A_user_limited_to_50_gets_exactly_50_of_300_concurrent_requests_over_three_nodes()
    {
        await using var cluster = await ClusterApp.StartAsync();
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-limit@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 1), "every node pools the account");
        var token = await cluster.Nodes[0].MirrorTokenAsync("cluster-limited", "cluster-limit@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 50 } });
        var clients = cluster.Clients(token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => clients[i % 3].ChatAsync($"request {i}")));

        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(250, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(50, cluster.Simulator.CallCount("f/conversation", "cluster-limit@example.com"));
        foreach (var client in clients)
        {
            using var next = await client.ChatAsync("one more");
            Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        }
    }

    [Fact]
    public async Task An_expired_account_under_90_concurrent_requests_over_three_nodes_is_refreshed_once_and_the_rotated_token_is_stored()
    {
        // Nodes and simulator share one clock; eleven days on, the ten-day access token has expired.
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await ClusterApp.StartAsync(simulatorOptions: new SimulatorOptions { TimeProvider = time }, time: time);
        await cluster.Nodes[1].AddPooledAccountAsync("cluster-expiring@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 1), "every node pools the account");
        cluster.Simulator.ResetCallCounts();
        time.Advance(TimeSpan.FromDays(11));
        var clients = cluster.Clients(GatewayApp.ServiceKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => clients[i % 3].ChatAsync($"storm {i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, cluster.Simulator.CallCount("oauth/token"));

        // The simulator revokes the whole refresh-token family when a used token comes back, so the next
        // renewal (from any node) only succeeds if the rotated token is the one stored.
        time.Advance(TimeSpan.FromDays(11));
        for (var i = 0; i < 3; i++)
        {
            using var later = await clients[(i + 2) % 3].ChatAsync($"after another expiry {i}");
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        Assert.Equal(2, cluster.Simulator.CallCount("oauth/token"));
    }

    [Fact]
    public async Task An_account_disabled_on_node_one_stops_being_picked_on_the_other_nodes_within_a_second()
    {
        await using var cluster = await ClusterApp.StartAsync();
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-stays@example.com");
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-goes@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 2), "every node pools both accounts");

        using var admin = cluster.Nodes[0].CreateClient(GatewayApp.AdminPassword);
        var disabled = Stopwatch.StartNew();
        (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = "cluster-goes@example.com", disabled = true })).EnsureSuccessStatusCode();
        var goes = AccountIds.ForEmail("cluster-goes@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.TryGet(goes, out var s) && s.Status == AccountStatus.Disabled), "every node sees the account disabled", TimeSpan.FromSeconds(1));
        Assert.True(disabled.Elapsed < TimeSpan.FromSeconds(1), $"took {disabled.Elapsed}");

        cluster.Simulator.ResetCallCounts();
        var clients = cluster.Clients(GatewayApp.ServiceKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => clients[i % 3].ChatAsync($"after disable {i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, cluster.Simulator.CallCount("f/conversation", "cluster-goes@example.com"));
        Assert.Equal(12, cluster.Simulator.CallCount("f/conversation", "cluster-stays@example.com"));
    }

    [Fact]
    public async Task Nodes_that_lost_their_listening_connection_catch_up_on_changes_they_missed()
    {
        await using var cluster = await ClusterApp.StartAsync();
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-missed@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 1), "every node pools the account");
        var missed = AccountIds.ForEmail("cluster-missed@example.com");

        // Cut every node's LISTEN connection, and change the account while they reconnect.
        await using (var cut = cluster.Database.Database.Command("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1"))
        {
            cut.Parameters.AddWithValue(Silo.Cluster.PostgresDatabase.ListenerApplicationName(cluster.Database.Schema));
            Assert.Equal(3L, await cut.ExecuteScalarAsync());
        }

        using var admin = cluster.Nodes[0].CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = "cluster-missed@example.com", disabled = true })).EnsureSuccessStatusCode();

        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.TryGet(missed, out var s) && s.Status == AccountStatus.Disabled), "every node sees the account disabled", TimeSpan.FromSeconds(5));
        await Eventually.WaitUntilAsync(async () =>
        {
            await using var listeners = cluster.Database.Database.Command("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1");
            listeners.Parameters.AddWithValue(Silo.Cluster.PostgresDatabase.ListenerApplicationName(cluster.Database.Schema));
            return (long)(await listeners.ExecuteScalarAsync())! == 3;
        }, "every node listens again");
    }

    [Fact]
    public async Task A_changed_limit_and_a_logged_out_user_take_effect_on_every_node_within_a_second()
    {
        await using var cluster = await ClusterApp.StartAsync();
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-user@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 1), "every node pools the account");
        var token = await cluster.Nodes[0].MirrorTokenAsync("cluster-user", "cluster-user@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 100 } });
        var clients = cluster.Clients(token);
        foreach (var client in clients)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.ChatAsync("warms every node's copy of the user")).StatusCode);
        }

        // Lower the limit to what is already used: every node must refuse the next request.
        await cluster.Nodes[0].MirrorTokenAsync("cluster-user", "cluster-user@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 3 } });
        await Eventually.WaitUntilAsync(async () => await AllRefusedAsync(clients, HttpStatusCode.TooManyRequests), "every node applies the new limit", TimeSpan.FromSeconds(1));

        using var admin = cluster.Nodes[0].CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/logout", new { user_name = "cluster-user" })).EnsureSuccessStatusCode();
        await Eventually.WaitUntilAsync(async () => await AllRefusedAsync(clients, HttpStatusCode.Unauthorized), "every node refuses the logged-out user's token", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_conversation_continues_at_once_on_another_node_with_its_owning_account()
    {
        await using var cluster = await ClusterApp.StartAsync();
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-first@example.com");
        await cluster.Nodes[0].AddPooledAccountAsync("cluster-second@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 2), "every node pools both accounts");
        var clients = cluster.Clients(GatewayApp.ServiceKey);

        // Each turn goes to the next node the instant the previous answer ended (stream and whole):
        // the record of who owns the conversation must already be committed for every node to see.
        for (var conversation = 0; conversation < 6; conversation++)
        {
            using var opening = await clients[conversation % 3].ChatAsync($"opening {conversation}");
            var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();
            for (var turn = 2; turn <= 4; turn++)
            {
                using var continued = await clients[(conversation + turn) % 3].ChatAsync($"turn {turn}", conversationId: conversationId, stream: turn % 2 == 0);
                Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
            }

            Assert.Equal(4, cluster.Simulator.GetConversation(conversationId)!.Messages.Count(m => m.Role == "user"));
        }
    }

    [Fact]
    public async Task The_admin_api_lists_every_node_of_the_cluster_alive()
    {
        await using var cluster = await ClusterApp.StartAsync();
        using var admin = cluster.Nodes[2].CreateClient(GatewayApp.AdminPassword);

        var body = await (await admin.GetAsync("/api/cluster")).JsonAsync();

        Assert.Equal("cluster", body["mode"]!.GetValue<string>());
        Assert.Equal(3, body["alive"]!.GetValue<int>());
        var nodes = body["nodes"]!.AsArray();
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.Equal("active", n!["status"]!.GetValue<string>()));
        Assert.Single(nodes, n => n!["self"]!.GetValue<bool>());
    }

    private static async Task<bool> AllRefusedAsync(HttpClient[] clients, HttpStatusCode expected)
    {
        foreach (var client in clients)
        {
            using var response = await client.ChatAsync("probe");
            if (response.StatusCode != expected)
            {
                return false;
            }
        }

        return true;
    }
}
