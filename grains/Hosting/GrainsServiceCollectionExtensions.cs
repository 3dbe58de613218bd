using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Hooks;
using MirrorGate.Grains.Models;
using MirrorGate.Grains.Secrets;
using MirrorGate.Grains.Tokens;
using MirrorGate.Grains.Videos;
using MirrorGate.Grains.Wallets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Hosting;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// What the grains and the front end share, on every kind of node: the model catalog, renewal settings, the
    /// secrets key (and with it token hashing, tagging and encryption at rest), user-token checks, account
    /// onboarding, the operator hooks' settings and HTTP client, and the gateway's clock. The grain classes themselves
    /// are found by Orleans.
    /// </summary>
    /// <param name="dataDirectory">Where a generated secrets key lives when none is configured.</param>
    /// <param name="sharedKeyRequired">True in a cluster: every node must hold the same configured key.</param>
    public static IServiceCollection AddMirrorGateDomain(this IServiceCollection services, IConfiguration configuration, string dataDirectory, bool sharedKeyRequired)
    {
        services.AddOptions<ModelCatalogOptions>().Bind(configuration.GetSection(ModelCatalogOptions.SectionName));
        services.AddOptions<AccountRenewalOptions>().Bind(configuration.GetSection(AccountRenewalOptions.SectionName))
            .Validate(o => o.RenewBefore > TimeSpan.Zero && o.CheckPeriod >= TimeSpan.FromMinutes(1) && o.CheckPeriod < o.RenewBefore,
                "Accounts:CheckPeriod must be at least a minute and shorter than Accounts:RenewBefore.")
            .Validate(o => o.ClaimTimeout > TimeSpan.Zero && o.ExpiredProbeInterval > TimeSpan.Zero, "Accounts:ClaimTimeout and Accounts:ExpiredProbeInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.SectionName));
        services.TryAddSingleton(sp => new SecretProtector(SecretKeyLoader.Load(sp.GetRequiredService<IOptions<SecretsOptions>>().Value, dataDirectory, sharedKeyRequired)));
        services.TryAddKeyedSingleton(GatewayClock.Key, static (sp, _) => TimeProvider.System);
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<GrainReferences>();
        services.TryAddSingleton<UserTokens>();
        services.TryAddSingleton<AccountOnboarding>();
        services.AddHookTransport(configuration);
        services.AddOptions<WalletOptions>().Bind(configuration.GetSection(WalletOptions.SectionName));
        services.AddVideoTasks(configuration);
        return services;
    }
}
