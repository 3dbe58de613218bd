using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Conversations;
using MirrorGate.Grains.Models;
using MirrorGate.Grains.Pool;
using MirrorGate.Grains.Tokens;
using MirrorGate.Grains.Usage;
using MirrorGate.Grains.Users;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Grains.Hosting;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers MirrorGate's grains, the model catalog and the account pool.</summary>
    public static IServiceCollection AddMirrorGateGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelCatalogOptions>().Bind(configuration.GetSection(ModelCatalogOptions.SectionName));
        services.AddOptions<PoolOptions>().Bind(configuration.GetSection(PoolOptions.SectionName))
            .Validate(o => o.MaxAttempts >= 1, "Pool:MaxAttempts must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<AccountPool>();
        services.AddSingleton<AccountOnboarding>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<AccountPoolLoader>();

        services.AddGrain<IAccountGrain, AccountGrain>();
        services.AddGrain<IAccountRegistryGrain, AccountRegistryGrain>();
        services.AddGrain<IUserGrain, UserGrain>();
        services.AddGrain<ITokenGrain, TokenGrain>();
        services.AddGrain<IConversationGrain, ConversationGrain>();
        return services;
    }
}
