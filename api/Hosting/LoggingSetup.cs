using Serilog;

namespace MirrorGate.Api.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog as the only logging provider, configured from the <c>Serilog</c> section (console by
    /// default). Code sees only <c>ILogger&lt;T&gt;</c>; log scopes (request id, caller, account) become
    /// properties of every event.
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGateLogging(this IHostApplicationBuilder builder)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext();
        configuration = builder.Configuration.GetSection("Serilog").Exists()
            ? configuration.ReadFrom.Configuration(builder.Configuration)
            : configuration.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");

        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(configuration.CreateLogger(), dispose: true);
        return builder;
    }
}
