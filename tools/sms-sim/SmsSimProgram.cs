namespace MirrorGate.SmsSim;

/// <summary>
/// Runs the simulator on its own: <c>dotnet run --project tools/sms-sim [--urls http://127.0.0.1:8093] [--ApiKey k]</c>.
/// Point the gateway at it with <c>Sms:Sender=Http</c>, <c>Sms:Url=http://127.0.0.1:8093/v1/sms/send</c> and
/// <c>Sms:ApiKey</c>; read codes at <c>/_sim/messages?phone=…</c>. Not top-level statements: the gateway's
/// <c>Program</c> must stay the only global <c>Program</c> class.
/// </summary>
public static class SmsSimProgram
{
    public const string DefaultUrl = "http://127.0.0.1:8093";

    public static async Task<int> Main(string[] args)
    {
        var key = new ConfigurationBuilder().AddCommandLine(args).Build()["ApiKey"] ?? "sms-sim-key";
        var app = SmsSimApp.Build(key, args, standalone: true);
        if (string.IsNullOrEmpty(app.Configuration["urls"]))
        {
            app.Urls.Add(DefaultUrl);
        }

        await app.RunAsync();
        return 0;
    }
}
