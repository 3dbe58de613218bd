using Serilog;
using Serilog.Events;
using Serilog.Settings.Configuration;

namespace MirrorGate.Silo.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog as the only logging provider, configured from the <c>Serilog</c> section (console by default). Code
    /// sees only <c>ILogger&lt;T&gt;</c>; log scopes (request id, caller, account) become properties of every event.
    /// Orleans' own chatter starts at warnings unless the section says otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGateLogging(this IHostApplicationBuilder builder)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext();

        // The sink assemblies are named, not discovered: discovery reads the entry assembly's dependency file,
        // which is the test runner's under tests and misses them.
        var readerOptions = new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly);
        configuration = builder.Configuration.GetSection("Serilog").Exists()
            ? configuration.ReadFrom.Configuration(WithoutEmptyValues(builder.Configuration.GetSection("Serilog")), readerOptions)
            : configuration.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");

        builder.Services.AddSerilog(configuration.CreateLogger(), dispose: true);
        return builder;
    }

    /// <summary>
    /// The Serilog section without entries whose value is empty. Some configuration sources give parent keys an
    /// empty value (<c>Serilog:WriteTo=""</c>), which Serilog reads as a one-line directive and then ignores the children.
    /// </summary>
    private static IConfiguration WithoutEmptyValues(IConfigurationSection section) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable().Where(entry => !string.IsNullOrEmpty(entry.Value)))
            .Build();
}
