namespace MirrorGate.Api.Observability;

/// <summary>
/// Traces over OTLP (section <c>Telemetry</c>). Off unless an endpoint is given here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable; off means no tracer is registered, no grain call filter is added,
/// and the request path creates no span.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The collector's OTLP base address (<c>http://collector:4318</c> for OTLP/HTTP, <c>:4317</c> for gRPC).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the default here: plain HTTP, no HTTP/2 needed) or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>The <c>service.name</c> the spans carry.</summary>
    public string ServiceName { get; set; } = "mirrorgate";

    /// <summary>The endpoint in force: the setting, else the standard variable, else none.</summary>
    public static Uri? Endpoint(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<TelemetryOptions>()?.OtlpEndpoint
        ?? (Uri.TryCreate(configuration[EndpointVariable], UriKind.Absolute, out var fromVariable) ? fromVariable : null);
}
