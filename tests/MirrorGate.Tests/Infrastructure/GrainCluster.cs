using MirrorGate.Grains.Hosting;
using MirrorGate.Silo.Embedded;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Storage;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.UpstreamSim;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// Several silos in this process (Orleans.TestingHost: in-memory transport and membership) running MirrorGate's
/// grains on one real store, as every silo of a cluster does: a SQLite file they share, or a fresh PostgreSQL schema.
/// The account grains talk to an upstream simulator. For grain logic, placement and storage semantics; a real crash
/// (SIGKILL of a process) belongs to the cluster tests, since <c>KillSiloAsync</c> here is a cancelled stop.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly PostgresTestDatabase? _database;
    private readonly bool _ownsSimulator;

    private GrainCluster(InProcessTestCluster cluster, UpstreamSimulator simulator, bool ownsSimulator, TempDirectory data, PostgresTestDatabase? database)
    {
        Cluster = cluster;
        Simulator = simulator;
        _ownsSimulator = ownsSimulator;
        _data = data;
        _database = database;
    }

    public InProcessTestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    public UpstreamSimulator Simulator { get; }

    /// <param name="silos">How many silos start.</param>
    /// <param name="postgres">Put grain state on a fresh PostgreSQL schema instead of a shared SQLite file.</param>
    /// <param name="clock">The gateway's clock in every silo (Orleans keeps real time).</param>
    /// <param name="simulator">A simulator started beforehand (the cluster stops only one it started itself).</param>
    /// <param name="settings">More configuration for every silo (e.g. another upstream's address).</param>
    /// <param name="services">More service registrations for every silo (e.g. faster reminders).</param>
    public static async Task<GrainCluster> StartAsync(int silos = 3, bool postgres = false, TimeProvider? clock = null, UpstreamSimulator? simulator = null,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var ownsSimulator = simulator is null;
        simulator ??= await UpstreamSimulator.StartAsync();
        var data = new TempDirectory();
        var database = postgres ? await PostgresTestDatabase.CreateAsync() : null;
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["ChatGpt:BackendBaseUrl"] = simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.BaseUrl.ToString(),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var databasePath = Path.Combine(data.Path, "cluster.db");

        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddMirrorGateDomain(configuration, data.Path, sharedKeyRequired: false);
            silo.Services.AddChatGptUpstream(configuration);
            services?.Invoke(silo.Services);
            if (clock is not null)
            {
                silo.Services.AddKeyedSingleton(GatewayClock.Key, clock);
            }

            silo.AddMirrorGateStores(database is null
                ? sp => new SqliteStateStore(databasePath, sp.GetRequiredService<ILogger<SqliteStateStore>>())
                : _ => database.OpenNode());
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
            });
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            data.Dispose();
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            throw;
        }

        return new GrainCluster(cluster, simulator, ownsSimulator, data, database);
    }

    /// <summary>The store one silo uses (to read raw rows, for instance).</summary>
    public StateStore StoreOf(InProcessSiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<StateStore>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.DisposeAsync();
        }
        finally
        {
            if (_ownsSimulator)
            {
                await Simulator.DisposeAsync();
            }

            if (_database is not null)
            {
                await _database.DisposeAsync();
            }

            _data.Dispose();
        }
    }
}
