using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MirrorGate.SimHosting;

/// <summary>
/// The one way a simulator is hosted: run on its own (<c>dotnet run --project tools/…</c>, console logs) or in-process
/// by a test on a real loopback socket with a random port. Tests never reach beyond 127.0.0.1.
/// </summary>
public static class SimHost
{
    /// <summary>
    /// A slim builder configured only by <paramref name="args"/>: in-process, the test's working directory may hold the
    /// gateway's <c>appsettings.json</c> (Kestrel endpoints, URLs), which a simulator must not pick up.
    /// </summary>
    /// <param name="application">A type of the simulator's assembly (its name becomes the application name).</param>
    /// <param name="standalone">Standalone logs to the console; in-process logs to <paramref name="loggerFactory"/> or nowhere.</param>
    public static WebApplicationBuilder CreateBuilder(Type application, string[] args, bool standalone, ILoggerFactory? loggerFactory = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = application.Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddCommandLine(args);
        builder.Logging.ClearProviders();
        if (standalone)
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        }
        else if (loggerFactory is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        }

        // Tests stop a simulator with streams still open; don't wait the default 30 s for them.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        return builder;
    }

    /// <summary>Starts <paramref name="app"/> on a random port of 127.0.0.1; answers its root (<c>http://127.0.0.1:port/</c>).</summary>
    public static async Task<Uri> StartOnLoopbackAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
