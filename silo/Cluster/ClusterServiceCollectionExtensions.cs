using MirrorGate.Silo.Cluster.Membership;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Counters.Postgres;
using MirrorGate.Silo.Leases;
using MirrorGate.Silo.Leases.Postgres;
using MirrorGate.Silo.Notifications;
using MirrorGate.Silo.Notifications.Postgres;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Postgres;
using MirrorGate.Silo.Usage;
using MirrorGate.Silo.Usage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// When a PostgreSQL connection string is configured (<c>Cluster:Postgres</c>, or the env var
    /// <c>MIRRORGATE_POSTGRES</c>), registers the PostgreSQL provider of every store, the schema
    /// migration that runs before anything else, and membership; returns whether it did. Called by
    /// <c>AddSilo</c> before the embedded defaults, which then stay unused.
    /// </summary>
    public static bool AddClusterProviders(this IServiceCollection services, IConfiguration configuration)
    {
        var fromEnvironment = configuration[ClusterOptions.EnvironmentVariable];
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.SectionName))
            .PostConfigure(o => o.Postgres = string.IsNullOrWhiteSpace(o.Postgres) ? fromEnvironment : o.Postgres)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.NodeDeadAfter > o.HeartbeatInterval, "Cluster:NodeDeadAfter must be longer than Cluster:HeartbeatInterval.")
            .Validate(o => o.LeaseDuration > TimeSpan.Zero && o.StartupTimeout > TimeSpan.Zero, "Cluster:LeaseDuration and Cluster:StartupTimeout must be positive.")
            .Validate(o => string.IsNullOrEmpty(o.Schema) || ClusterOptions.SchemaPattern().IsMatch(o.Schema),
                "Cluster:Schema must be 1 to 50 lower-case letters, digits or underscores, starting with a letter or underscore (it also names the cluster's notification channel).")
            .ValidateOnStart();
        var enabled = !string.IsNullOrWhiteSpace(configuration[$"{ClusterOptions.SectionName}:Postgres"]) || !string.IsNullOrWhiteSpace(fromEnvironment);
        if (!enabled)
        {
            return false;
        }

        services.TryAddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<ClusterOptions>>().Value));
        services.TryAddSingleton<SchemaMigrator>();

        // The schema is brought up to date before any hosted service starts (a lifecycle hook); the
        // listener starts first among them, so nothing serves before it can hear other nodes.
        services.AddHostedService<ClusterStartup>();
        services.TryAddSingleton<InProcessChangeNotifier>();
        services.TryAddSingleton<PostgresChangeNotifier>();
        services.TryAddSingleton<IChangeNotifier>(sp => sp.GetRequiredService<PostgresChangeNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeNotifier>());

        services.TryAddSingleton<IGrainStorage, PostgresGrainStorage>();
        services.PostConfigure<GrainRuntimeOptions>(o => o.ReloadEmptyStates = true);
        services.TryAddSingleton<IUsageLog, PostgresUsageLog>();

        services.TryAddSingleton<ICounterStore, PostgresCounterStore>();
        services.TryAddSingleton<IRateWindowStore, PostgresRateWindowStore>();
        services.TryAddSingleton<ILeaseStore, PostgresLeaseStore>();
        services.TryAddSingleton<MembershipTable>();
        services.AddHostedService<MembershipService>();
        services.TryAddSingleton<ClusterHousekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterHousekeeping>());
        return true;
    }
}
