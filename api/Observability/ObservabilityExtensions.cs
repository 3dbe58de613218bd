using MirrorGate.Grains.Ledger;
using MirrorGate.Silo.Hosting;

namespace MirrorGate.Api.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Metrics (<c>/metrics</c>), the live view, the ledger's commit counter, and traces when an OTLP endpoint is set. Called after <c>AddMirrorGate</c>, so the
    /// ledger store it wraps is registered.
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGateObservability(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().Bind(builder.Configuration.GetSection(MetricsOptions.SectionName))
            .Validate(o => Array.TrueForAll(o.AllowedNetworks, MetricsOptions.IsValidNetwork), "Metrics:AllowedNetworks must be CIDR ranges such as 10.0.0.0/8 or ::1/128.")
            .ValidateOnStart();
        services.AddSingleton<LiveStats>();
        services.AddSingleton<GatewayMetrics>();
        builder.AddMirrorGateTracing((NodeDescription)services.First(d => d.ServiceType == typeof(NodeDescription)).ImplementationInstance!);

        // Every ledger store the node's wallets commit through counts what it committed.
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(ILedgerStore) && !services[i].IsKeyedService)
            {
                var inner = services[i];
                services[i] = ServiceDescriptor.Describe(typeof(ILedgerStore), sp => new CountingLedgerStore(Resolve(sp, inner), sp.GetRequiredService<GatewayMetrics>()), inner.Lifetime);
            }
        }

        return builder;
    }

    /// <summary>The one recording point; before the error handler, so a failed request is recorded with its final status.</summary>
    public static IApplicationBuilder UseMirrorGateObservability(this IApplicationBuilder app) => app.UseMiddleware<RequestRecording>();

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder routes) => routes.MapMetrics();

    private static ILedgerStore Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILedgerStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
