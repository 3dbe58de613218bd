using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Hooks;

public static class HooksServiceCollectionExtensions
{
    /// <summary>
    /// The hooks' settings (section <c>Hooks</c>, validated at start) and their HTTP client, on every kind of node:
    /// front ends ask the Audit and OAuth hooks, and whichever silo holds a notify delivery sends it.
    /// </summary>
    public static IServiceCollection AddHookTransport(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(HookTransport)))
        {
            return services;
        }

        services.AddOptions<HooksOptions>().Bind(configuration.GetSection(HooksOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HooksOptions>, HooksOptionsValidator>());
        services.AddHttpClient(HookTransport.ClientName, client =>
            {
                // HookTransport bounds each call with Hooks:Timeout (which may change while running); this bounds memory.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = HookTransport.MaxAnswerBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => HookTransport.CreateHandler(sp.GetRequiredService<IOptionsMonitor<HooksOptions>>()))
            // The factory's own request logs would print hook URLs at Information; HookTransport logs what matters.
            .RemoveAllLoggers();
        services.TryAddSingleton<HookTransport>();
        return services;
    }
}
