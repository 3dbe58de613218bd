using MirrorGate.Grains.Hooks;

namespace MirrorGate.Api.Hooks;

public static class OperatorHooksServiceCollectionExtensions
{
    /// <summary>
    /// The operator's hooks on the front end: Audit and Notify around chat turns, OAuth in bearer resolution. Their
    /// settings and HTTP client (<see cref="HooksServiceCollectionExtensions.AddHookTransport"/>) are shared with the
    /// silos, which send notify deliveries.
    /// </summary>
    public static IServiceCollection AddOperatorHooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHookTransport(configuration);
        services.AddSingleton<AuditHook>();
        services.AddSingleton<NotifyHook>();
        services.AddSingleton<OAuthHook>();
        return services;
    }
}
