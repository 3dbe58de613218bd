using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Hosting;

namespace MirrorGate.UpstreamSim;

/// <summary>Runs the simulator on its own: <c>dotnet run --project tools/upstream-sim [--urls http://127.0.0.1:8090]</c>,
/// with switches as <c>--Simulator:ReplyChunks=20</c> (any <see cref="SimulatorOptions"/> property).
/// Accounts and faults are managed through the <c>/_sim/</c> endpoints. Not top-level statements: the
/// gateway's <c>Program</c> must stay the only global <c>Program</c> class.</summary>
public static class SimulatorProgram
{
    public const string DefaultUrl = "http://127.0.0.1:8090";

    public static async Task<int> Main(string[] args)
    {
        var options = new SimulatorOptions();
        new ConfigurationBuilder().AddCommandLine(args).Build().GetSection("Simulator").Bind(options);
        var app = SimulatorApp.Build(options, args, standalone: true);
        if (string.IsNullOrEmpty(app.Configuration["urls"]))
        {
            app.Urls.Add(DefaultUrl);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SimulatorProgram));
            foreach (var url in app.Urls)
            {
                SimLog.Listening(logger, new Uri(url));
            }
        });
        await app.RunAsync();
        return 0;
    }
}
