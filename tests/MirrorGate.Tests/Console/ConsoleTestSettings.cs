namespace MirrorGate.Tests.Console;

/// <summary>The gateway settings the console tests run with: an operator password, an adminapi secret, a sign-in limit no test trips by accident.</summary>
internal static class ConsoleTestSettings
{
    public static Dictionary<string, string?> Gateway(int signInAttemptsPerMinute = 1000) => new()
    {
        ["Console:OperatorPassword"] = ConsoleBrowserFixture.OperatorPassword,
        ["Console:SignInAttemptsPerMinute"] = signInAttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SaasAdmin:Secret"] = ConsoleBrowserFixture.SaasSecret,
    };
}
