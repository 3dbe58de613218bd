using System.Net;
using System.Net.Http.Json;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using Npgsql;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// OpenAI-compatible channels on three real nodes: a channel added through one node's admin API is served by every
/// node, a key one node finds rejected stops being used by all of them, and every relayed request leaves exactly one
/// usage record in the shared database. The channel upstream is a simulator in this process, on loopback.
/// </summary>
public sealed class ClusterChannelTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>, IAsyncLifetime
{
    private OpenAiSimulator _sim = null!;

    private NodeCluster Cluster => fixture.Cluster;

    public async Task InitializeAsync() => _sim = await OpenAiSimulator.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task A_channel_added_on_one_node_serves_every_node_and_each_request_is_recorded_once()
    {
        const string model = "cluster-channel-serve";
        await AddChannelAsync("cluster-serve", ["sk-cluster-serve"], model, node: 0);

        // Each node learns of the channel from the key grain's push; until then it answers 404 for the model.
        foreach (var node in Cluster.Gateways)
        {
            using var client = node.CreateClient(GatewayApp.ServiceKey);
            await Eventually.WaitUntilAsync(async () =>
            {
                using var response = await client.ChatAsync("warm up " + node.BaseUrl, model: model);
                return response.StatusCode == HttpStatusCode.OK;
            }, $"{node.BaseUrl} serves the channel added on node 0");
        }

        var before = await UsageRecordsAsync(model);
        var clients = Cluster.Gateways.Select(n => n.CreateClient(GatewayApp.ServiceKey)).ToArray();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => clients[i % 3].ChatAsync($"spread {i}", model: model, stream: i % 2 == 0)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (var answer in answers)
        {
            // A stream's record is written before its final bytes, so reading the whole answer orders the count after it.
            await answer.Content.ReadAsStringAsync();
            answer.Dispose();
        }

        Assert.Equal(before + 24, await UsageRecordsAsync(model));
    }

    [Fact]
    public async Task A_key_rejected_on_one_node_is_not_used_by_any_node_a_second_later()
    {
        const string model = "cluster-channel-reject";
        await AddChannelAsync("cluster-reject", ["sk-cluster-good", "sk-cluster-revoked"], model, node: 1);
        var clients = Cluster.Gateways.Select(n => n.CreateClient(GatewayApp.ServiceKey)).ToArray();
        foreach (var client in clients)
        {
            await Eventually.WaitUntilAsync(async () =>
            {
                using var response = await client.ChatAsync("warm up", model: model);
                return response.StatusCode == HttpStatusCode.OK;
            }, "every node serves the channel");
        }

        // The upstream revokes one key; node 2 meets the 401 first, fails over before the first byte and rejects it.
        _sim.InjectFault("sk-cluster-revoked", new OpenAiFault(OpenAiFaultKind.Unauthorized));
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await clients[2].ChatAsync("find the revoked key", model: model);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return _sim.Calls("sk-cluster-revoked").Any(c => c.Status == 401);
        }, "node 2 meets the revoked key");

        await Task.Delay(TimeSpan.FromSeconds(1));
        var rejectedCalls = _sim.Calls("sk-cluster-revoked").Count;
        var answers = await Task.WhenAll(Enumerable.Range(0, 18).Select(i => clients[i % 3].ChatAsync($"after the rejection {i}", model: model)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(rejectedCalls, _sim.Calls("sk-cluster-revoked").Count);

        using var admin = Cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword);
        var listed = await admin.GetStringAsync("/api/channels");
        Assert.Contains("oked", listed, StringComparison.Ordinal); // a key is listed by its last four characters, never whole
        Assert.DoesNotContain("sk-cluster-revoked", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-cluster-good", listed, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every node hands out a request-limited user's uses from its own lease: a burst on all three nodes at once gets
    /// exactly the limit, and the uses one node leased but did not hand out come back to the others once its lease expires.
    /// </summary>
    [Fact]
    public async Task A_request_limit_on_a_channel_model_is_exact_across_nodes_and_unused_leased_uses_come_back()
    {
        const string model = "cluster-channel-limit";
        await AddChannelAsync("cluster-limit", ["sk-cluster-limit"], model, node: 0);
        await Cluster.AddPooledAccountAsync("lease-cluster@example.com", node: 1);
        var burstToken = await MirrorTokenAsync("cluster-lease-burst", model, 7);
        var lateToken = await MirrorTokenAsync("cluster-lease-late", model, 12);
        foreach (var node in Cluster.Gateways)
        {
            using var client = node.CreateClient(GatewayApp.ServiceKey);
            await Eventually.WaitUntilAsync(async () =>
            {
                using var response = await client.ChatAsync("warm up " + node.BaseUrl, model: model);
                return response.StatusCode == HttpStatusCode.OK;
            }, $"{node.BaseUrl} serves the channel");
        }

        var before = _sim.Calls("sk-cluster-limit").Count;
        var burst = Cluster.Gateways.Select(n => n.CreateClient(burstToken)).ToArray();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => burst[i % 3].ChatAsync($"leased {i}", model: model)));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(23, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(before + 7, _sim.Calls("sk-cluster-limit").Count);

        // Node 0 serves a burst of three, then one more: its second lease asks for twice the first and keeps uses unused.
        using var first = Cluster.Gateways[0].CreateClient(lateToken);
        var three = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => first.ChatAsync($"early {i}", model: model)));
        Assert.All(three, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        using (var one = await first.ChatAsync("early 3", model: model))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        // After node 0's lease expires (1 s) its sweep (every second) gives the rest back: node 1 gets every use left, 12 − 4.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        using var second = Cluster.Gateways[1].CreateClient(lateToken);
        var served = 0;
        while (served < 20)
        {
            using var answer = await second.ChatAsync($"late {served}", model: model);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
                break;
            }

            served++;
        }

        Assert.Equal(8, served);
    }

    private async Task<string> MirrorTokenAsync(string userName, string model, int limit)
    {
        using var admin = Cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword);
        using var issued = await admin.PostAsJsonAsync("/api/get-mirror-token", new
        {
            user_name = userName,
            limits = new[] { new { model_name = model, every_minute = 60, limit_count = limit } },
            chatgpt_list = new[] { "lease-cluster@example.com" },
        });
        Assert.True(issued.IsSuccessStatusCode, await issued.Content.ReadAsStringAsync());
        return (await issued.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>())![0]!["mirror_token"]!.GetValue<string>();
    }

    private async Task AddChannelAsync(string id, string[] keys, string model, int node)
    {
        foreach (var key in keys)
        {
            _sim.AddKey(key);
        }

        _sim.Options.Models.Add(model);
        using var admin = Cluster.Gateways[node].CreateClient(GatewayApp.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/channels", new { id, name = "channel " + id, base_url = _sim.BaseUrl.ToString(), keys, models = new[] { model } });
        Assert.True(response.IsSuccessStatusCode, $"adding channel {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> UsageRecordsAsync(string model)
    {
        await using var command = Cluster.Database.Store.Npgsql.CreateCommand("SELECT count(*) FROM mg_usage WHERE model = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
