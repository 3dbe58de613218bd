using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Leases;
using MirrorGate.Silo.Notifications;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Secrets;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Sqlite;
using MirrorGate.Silo.Usage;
using MirrorGate.Silo.Usage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Hosting;

public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime. With a PostgreSQL connection string (<c>Cluster:Postgres</c> or
    /// <c>MIRRORGATE_POSTGRES</c>) every provider is PostgreSQL's (cluster mode); without one the node
    /// runs embedded: SQLite storage in the data folder and in-process counters, rate windows, leases
    /// and change notifications.
    /// </summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SiloOptions>().Bind(configuration.GetSection(SiloOptions.SectionName));
        services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.SectionName))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.CollectionInterval > TimeSpan.Zero, "Grains:IdleTimeout and Grains:CollectionInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.SectionName));

        var cluster = services.AddClusterProviders(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloIdentity>();
        services.TryAddSingleton(sp =>
        {
            var silo = sp.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new SecretProtector(SecretKeyLoader.Load(sp.GetRequiredService<IOptions<SecretsOptions>>().Value, silo.DataDirectory, sharedKeyRequired: cluster));
        });
        services.TryAddSingleton<GrainStateSerializer>();

        services.TryAddSingleton(sp =>
        {
            var silo = sp.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new SqliteDatabase(Path.Combine(silo.DataDirectory, silo.DatabaseFile));
        });
        services.TryAddSingleton<IGrainStorage, SqliteGrainStorage>();
        services.TryAddSingleton<ICounterStore, InProcessCounterStore>();
        services.TryAddSingleton<IRateWindowStore, InProcessRateWindowStore>();
        services.TryAddSingleton<ILeaseStore, InProcessLeaseStore>();
        services.TryAddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        services.TryAddSingleton<IUsageLog, SqliteUsageLog>();

        services.TryAddSingleton<GrainCatalog>();
        services.TryAddSingleton<IGrainFactory, GrainFactory>();
        services.AddHostedService<IdleCollectionService>();
        services.AddHostedService<GrainStateInvalidation>();
        return services;
    }

    /// <summary>Registers a grain class for its contract.</summary>
    public static IServiceCollection AddGrain<TGrainInterface, TGrain>(this IServiceCollection services)
        where TGrainInterface : class, IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        services.AddSingleton(new GrainRegistration(GrainTypeInfo.Create(typeof(TGrainInterface), typeof(TGrain))));
        return services;
    }
}
