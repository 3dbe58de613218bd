using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Embedded;
using MirrorGate.Silo.Ledger;
using MirrorGate.Silo.Storage;
using MirrorGate.Upstream.ChatGpt;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using StackExchange.Redis;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// Makes a process a MirrorGate node; every host calls this one method (the gateway, the silo-only host, and the
/// tests' hosts). What the node is follows from configuration alone:
/// <list type="table">
/// <item><term>embedded (no cluster settings)</term><description>one silo on localhost; grain state, reminders and
/// usage in the SQLite file under <c>Silo:DataDirectory</c>.</description></item>
/// <item><term>cluster member (<c>Cluster:Redis</c> and <c>Cluster:Postgres</c>)</term><description>a silo with
/// membership on Redis, and grain state, reminders and usage on PostgreSQL.</description></item>
/// <item><term>front end (<c>Cluster:Role=FrontEnd</c>)</term><description>no silo: an Orleans client of the
/// cluster's silos, found through Redis.</description></item>
/// </list>
/// </summary>
public static class NodeHosting
{
    /// <summary>The storage provider name under Orleans' ADO.NET provider, wrapped by <see cref="GuardedGrainStorage"/>.</summary>
    private const string AdoNetStorageName = "adonet";

    public static NodeDescription AddMirrorGateNode(this IHostApplicationBuilder builder)
    {
        var cluster = ClusterModeOptions.Read(builder.Configuration);
        var data = builder.Configuration.GetSection(LocalDataOptions.SectionName).Get<LocalDataOptions>() ?? new LocalDataOptions();
        var node = new NodeDescription(cluster, data);
        var services = builder.Services;
        services.AddSingleton(node);
        services.AddSingleton(cluster);
        services.AddMirrorGateDomain(builder.Configuration, data.DataDirectory, sharedKeyRequired: cluster.Enabled);
        services.AddChatGptUpstream(builder.Configuration);
        var responseTimeout = GrainCallTimeout(builder.Configuration);

        if (cluster.Role == NodeRole.FrontEnd)
        {
            services.AddHostedService<StoreStartup>();
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis!));
                client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
                client.UseConnectionRetryFilter<ClusterConnectRetry>();
            });
            return node;
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
            if (cluster.Enabled)
            {
                silo.ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis!));
            }
            else
            {
                // One silo on loopback; no gateway, since nothing outside this process calls it.
                silo.UseLocalhostClustering(cluster.SiloPort, gatewayPort: 0, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout ?? o.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit ?? o.NumMissedProbesLimit;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            silo.AddMirrorGateStores(cluster.Enabled
                ? sp => ActivatorUtilities.CreateInstance<PostgresStateStore>(sp, cluster)
                : sp => ActivatorUtilities.CreateInstance<SqliteStateStore>(sp, data.DatabasePath));
            if (node.HostsDashboard)
            {
                silo.AddDashboard();
            }
        });
        return node;
    }

    /// <summary>
    /// What a silo keeps where: the store (<paramref name="createStore"/>, migrated before Orleans starts), grain
    /// state through Orleans' ADO.NET provider on it, serialized by <see cref="ProtectedStateSerializer"/>, behind
    /// <see cref="GuardedGrainStorage"/> as the default provider; durable reminders on the same store; the usage
    /// ledger; and the filter that drops an activation whose write failed. Test silos (Orleans.TestingHost) use it too.
    /// </summary>
    public static ISiloBuilder AddMirrorGateStores(this ISiloBuilder silo, Func<IServiceProvider, StateStore> createStore)
    {
        var services = silo.Services;
        services.AddSingleton(createStore);
        services.AddSingleton(sp => sp.GetRequiredService<StateStore>().UsageLedger);
        services.AddSingleton<UsageBatcher>();
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton(sp => sp.GetRequiredService<StateStore>().LedgerStore);
        services.AddSingleton(sp => sp.GetRequiredService<StateStore>().VideoTaskCatalog);
        services.AddSingleton(sp => sp.GetRequiredService<StateStore>().AuditStore);
        services.AddHostedService<StoreStartup>();
        services.TryAddSingleton<ProtectedStateSerializer>();
        services.AddAdoNetGrainStorage(AdoNetStorageName, options => options.Configure<StateStore, ProtectedStateSerializer>((o, store, serializer) =>
        {
            o.Invariant = store.Invariant;
            o.DataSource = store.DataSource;
            o.GrainStorageSerializer = serializer;
        }));
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, _) => CreateDefaultStorage(sp));
        silo.UseAdoNetReminderService(options => options.Configure<StateStore>((o, store) => (o.Invariant, o.DataSource) = (store.Invariant, store.DataSource)));
        silo.AddIncomingGrainCallFilter<WriteFailureFilter>();
        silo.AddStartupTask<HoldSweepStartup>();
        return silo;
    }

    /// <summary>The default grain storage as this node builds it (tests wrap it to count or fail writes).</summary>
    public static GuardedGrainStorage CreateDefaultStorage(IServiceProvider services) => new(
        services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName), services.GetRequiredService<StateStore>(), services.GetRequiredService<IGrainContextAccessor>());

    /// <summary>
    /// Grain calls wait longer than the upstream calls made inside them: registering an account makes a token
    /// exchange and an account check, each bounded by <c>ChatGpt:RequestTimeout</c> (60 s by default).
    /// </summary>
    private static TimeSpan GrainCallTimeout(IConfiguration configuration)
    {
        var upstream = configuration.GetSection(ChatGptOptions.SectionName).Get<ChatGptOptions>() ?? new ChatGptOptions();
        var needed = (2 * upstream.RequestTimeout) + upstream.ConnectTimeout + TimeSpan.FromSeconds(30);
        return needed > TimeSpan.FromSeconds(30) ? needed : TimeSpan.FromSeconds(30);
    }

    private static IPAddress AdvertisedAddress(ClusterModeOptions cluster)
    {
        if (!string.IsNullOrWhiteSpace(cluster.AdvertisedAddress))
        {
            return IPAddress.TryParse(cluster.AdvertisedAddress, out var address) ? address
                : Dns.GetHostAddresses(cluster.AdvertisedAddress).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        }

        // As Orleans does without an address: this host's first IPv4 address, else loopback.
        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}

/// <summary>What this node is, as composed from configuration.</summary>
public sealed record NodeDescription(ClusterModeOptions Cluster, LocalDataOptions Data)
{
    public bool HostsSilo => Cluster.Role == NodeRole.Silo;

    /// <summary>Whether <c>/dashboard</c> is served here: on a silo, unless <see cref="ClusterModeOptions.Dashboard"/> turned it off.</summary>
    public bool HostsDashboard => HostsSilo && Cluster.Dashboard;

    public string Mode => !Cluster.Enabled ? "embedded" : HostsSilo ? "cluster" : "front-end";
}
