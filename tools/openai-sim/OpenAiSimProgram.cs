namespace MirrorGate.OpenAiSim;

/// <summary>
/// Runs the simulator on its own: <c>dotnet run --project tools/openai-sim [--urls http://127.0.0.1:8091]</c>, with
/// switches as <c>--Simulator:ReplyChunks=20</c> (any <see cref="OpenAiSimOptions"/> property). Keys, faults and call
/// records are reached through the <c>/_sim/</c> endpoints. Not top-level statements: the gateway's <c>Program</c>
/// must stay the only global <c>Program</c> class.
/// </summary>
public static class OpenAiSimProgram
{
    public const string DefaultUrl = "http://127.0.0.1:8091";

    public static async Task<int> Main(string[] args)
    {
        var options = new OpenAiSimOptions();
        new ConfigurationBuilder().AddCommandLine(args).Build().GetSection("Simulator").Bind(options);
        var app = OpenAiSimApp.Build(options, args, standalone: true);
        if (string.IsNullOrEmpty(app.Configuration["urls"]))
        {
            app.Urls.Add(DefaultUrl);
        }

        await app.RunAsync();
        return 0;
    }
}
