using MirrorGate.Silo.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MirrorGate.Api.Observability;

public static class TracingExtensions
{
    /// <summary>
    /// When an OTLP endpoint is configured (<see cref="TelemetryOptions"/>): a span per request (ASP.NET Core), a child
    /// span per upstream HTTP call (HttpClient) and per grain call (Orleans' activity propagation, added only then),
    /// scrubbed of secrets, exported in batches. Without an endpoint nothing is registered.
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGateTracing(this IHostApplicationBuilder builder, NodeDescription node)
    {
        if (TelemetryOptions.Endpoint(builder.Configuration) is not { } endpoint)
        {
            return builder;
        }

        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (node.HostsSilo)
        {
            builder.UseOrleans(silo => silo.AddActivityPropagation());
        }
        else
        {
            builder.UseOrleansClient(client => client.AddActivityPropagation());
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddHttpClientInstrumentation(o => o.RecordException = false)
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddProcessor(new SpanScrubber())
                .AddOtlpExporter(o =>
                {
                    var grpc = string.Equals(settings.OtlpProtocol, "grpc", StringComparison.OrdinalIgnoreCase);
                    o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;

                    // For OTLP/HTTP the base address gets the signal's path, as the standard variable's does.
                    o.Endpoint = grpc || endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) ? endpoint : new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/traces");
                }));
        return builder;
    }
}
