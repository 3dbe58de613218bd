using MirrorGate.Grains.Hosting;
using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Hosting;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.TestingHost;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// A second, separate Orleans cluster on the store of a PostgreSQL <see cref="GrainCluster"/>: the same schema,
/// service id, secrets key, clock and simulator, but its own membership and grain directory. A grain called in
/// both has two activations on one stored state, as Orleans can briefly have during a membership change. The
/// silos are composed as <see cref="GrainCluster"/> composes its own.
/// </summary>
internal sealed class TwinCluster : IAsyncDisposable
{
    private readonly TempDirectory _data;

    private TwinCluster(InProcessTestCluster cluster, TempDirectory data)
    {
        Cluster = cluster;
        _data = data;
    }

    public InProcessTestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<TwinCluster> StartAsync(GrainCluster first, TimeProvider? clock = null, short silos = 1)
    {
        var schema = Assert.IsType<PostgresStateStore>(first.StoreOf(first.Cluster.Silos[0])).Schema;
        var store = new ClusterModeOptions
        {
            Postgres = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { MaxPoolSize = 10 }.ConnectionString,
            Schema = schema,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["ChatGpt:BackendBaseUrl"] = first.Simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = first.Simulator.BaseUrl.ToString(),
        }).Build();
        var data = new TempDirectory();

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = first.Cluster.Options.ServiceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddMirrorGateDomain(configuration, data.Path, sharedKeyRequired: false);
            silo.Services.AddChatGptUpstream(configuration);
            if (clock is not null)
            {
                silo.Services.AddKeyedSingleton(GatewayClock.Key, clock);
            }

            silo.AddMirrorGateStores(_ => new PostgresStateStore(store, NullLogger<PostgresStateStore>.Instance));
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
            throw;
        }

        return new TwinCluster(cluster, data);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.DisposeAsync();
        }
        finally
        {
            _data.Dispose();
        }
    }
}
