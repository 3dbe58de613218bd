using System.Globalization;
using System.Net.Http.Json;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A real cluster of MirrorGate nodes, each its own process: membership on the test Redis, state on a fresh
/// PostgreSQL schema, one upstream simulator (in this process, on loopback) for all. Silos talk to each other over
/// TCP on their own ports; failure detection is tuned so that a killed node is seen dead in seconds (research
/// §2.3). The test plays the load balancer by choosing a node per request.
/// </summary>
public sealed class NodeCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = [];
    private readonly bool _ownsDatabase;

    private NodeCluster(PostgresTestDatabase database, bool ownsDatabase, UpstreamSimulator simulator, string clusterId, IDictionary<string, string?> settings)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        Simulator = simulator;
        ClusterId = clusterId;
        Settings = settings;
    }

    public PostgresTestDatabase Database { get; }

    public UpstreamSimulator Simulator { get; }

    public string ClusterId { get; }

    /// <summary>The settings every node of this cluster shares.</summary>
    public IDictionary<string, string?> Settings { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <param name="gateways">Nodes running the gateway with a co-hosted silo.</param>
    /// <param name="silos">Silo-only nodes (the split topology).</param>
    /// <param name="frontEnds">Gateway nodes without a silo (<c>Cluster:Role=FrontEnd</c>), started after the silos.</param>
    /// <param name="settings">More settings for every node (they win over the defaults).</param>
    /// <param name="database">A schema made beforehand (e.g. on a private server); the cluster does not drop it.</param>
    public static async Task<NodeCluster> StartAsync(int gateways = 3, int silos = 0, int frontEnds = 0, IDictionary<string, string?>? settings = null,
        PostgresTestDatabase? database = null, string? redis = null)
    {
        var ownsDatabase = database is null;
        database ??= await PostgresTestDatabase.CreateAsync();
        var simulator = await UpstreamSimulator.StartAsync();
        var clusterId = RedisTestServer.NewClusterId();
        var shared = new Dictionary<string, string?>(database.Settings)
        {
            ["Cluster:Redis"] = redis ?? RedisTestServer.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Cluster:ProbeTimeout"] = "00:00:01",
            ["Cluster:MissedProbesLimit"] = "2",
            ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["ChatGpt:BackendBaseUrl"] = simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.BaseUrl.ToString(),
            ["Gateway:ServiceKey"] = GatewayApp.ServiceKey,
            ["Gateway:AdminPassword"] = GatewayApp.AdminPassword,
            ["Pool:SyncInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            shared[key] = value;
        }

        var cluster = new NodeCluster(database, ownsDatabase, simulator, clusterId, shared);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, gateways).Select(_ => cluster.AddNodeAsync()).Concat(Enumerable.Range(0, silos).Select(_ => cluster.AddNodeAsync(siloOnly: true))));
            await Task.WhenAll(Enumerable.Range(0, frontEnds).Select(_ => cluster.AddNodeAsync(frontEnd: true)));
            await cluster.WaitForActiveSilosAsync(gateways + silos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more node of this cluster, on ports of its own.</summary>
    public async Task<NodeProcess> AddNodeAsync(bool siloOnly = false, bool frontEnd = false)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Cluster:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        };
        if (frontEnd)
        {
            settings["Cluster:Role"] = "FrontEnd";
        }

        var node = await NodeProcess.StartAsync(settings, siloOnly);
        lock (_nodes)
        {
            _nodes.Add(node);
        }

        return node;
    }

    /// <summary>The gateway nodes (those that serve the API), in start order.</summary>
    public IReadOnlyList<NodeProcess> Gateways => [.. _nodes.Where(n => !n.SiloOnly)];

    /// <summary>Waits until the membership every gateway reads shows <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, TimeSpan? within = null)
    {
        foreach (var node in Gateways)
        {
            using var admin = node.CreateClient(GatewayApp.AdminPassword);
            await Eventually.WaitUntilAsync(async () =>
            {
                try
                {
                    var cluster = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/cluster");
                    return cluster!["alive"]!.GetValue<int>() == count;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, $"{node.BaseUrl} sees {count} active silos\n{node.Output}", within ?? TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Adds an account to the simulator and imports it into the pool through one node's admin API.</summary>
    public async Task<SimAccount> AddPooledAccountAsync(string email, string plan = "plus", int node = 0)
    {
        var account = Simulator.AddAccount(email, plan);
        using var admin = Gateways[node].CreateClient(GatewayApp.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = account.RefreshToken });
        Assert.True(response.IsSuccessStatusCode, $"importing {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return account;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        await Simulator.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
