using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// Several gateway nodes in this process (each a real <c>Program</c> with its own data folder and
/// grain catalog) sharing one fresh PostgreSQL schema and one upstream simulator: a cluster behind an
/// imaginary load balancer that the test plays by choosing a node per request.
/// </summary>
public sealed class ClusterApp : IAsyncDisposable
{
    private ClusterApp(PostgresTestDatabase database, UpstreamSimulator simulator, List<GatewayApp> nodes)
    {
        Database = database;
        Simulator = simulator;
        Nodes = nodes;
    }

    public PostgresTestDatabase Database { get; }

    public UpstreamSimulator Simulator { get; }

    public IReadOnlyList<GatewayApp> Nodes { get; }

    /// <param name="database">A schema made beforehand (e.g. shared with a node in a child process); the cluster drops it at the end.</param>
    /// <param name="simulator">A simulator started beforehand; the cluster stops it at the end.</param>
    public static async Task<ClusterApp> StartAsync(int nodes = 3, IDictionary<string, string?>? settings = null, SimulatorOptions? simulatorOptions = null, TimeProvider? time = null,
        PostgresTestDatabase? database = null, UpstreamSimulator? simulator = null)
    {
        database ??= await PostgresTestDatabase.CreateAsync();
        simulator ??= await UpstreamSimulator.StartAsync(simulatorOptions);
        var all = new Dictionary<string, string?>(database.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var started = new List<GatewayApp>();
        for (var i = 0; i < nodes; i++)
        {
            started.Add(await GatewayApp.StartAsync(all, time: time, sharedSimulator: simulator));
        }

        return new ClusterApp(database, simulator, started);
    }

    /// <summary>One client per node, in node order; request i of a test goes to node i % count.</summary>
    public HttpClient[] Clients(string? bearer = null) => Nodes.Select(n => n.CreateClient(bearer)).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        await Database.DisposeAsync();
    }
}
