using System.Text.RegularExpressions;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// The development SMS sender (the default in the Development environment, which test hosts run in): the code is
/// written to the log at Information, never to the answer, and it logs the user in.
/// </summary>
public sealed partial class LogSmsSenderTests
{
    [Fact]
    public async Task The_code_is_in_the_log_and_not_in_the_answer()
    {
        using var folder = new TempDirectory();
        var logFile = Path.Combine(folder.Path, "gateway.log");
        var phone = PlatformGateway.NewPhone();
        string answerText;
        await using (var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel"] = "Information",
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = logFile,
            ["Serilog:WriteTo:0:Args:flushToDiskInterval"] = "00:00:00.100",
        }))
        {
            using var client = app.CreateClient();
            var answer = await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
            answerText = answer.ToJsonString();
            Assert.Equal("ok", answer.Status());
            var key = answer["data"]!["key"]!.GetValue<string>();

            string? code = null;
            await Eventually.WaitUntilAsync(() =>
            {
                using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var match = CodeLine().Match(new StreamReader(stream).ReadToEnd());
                code = match.Success ? match.Groups[1].Value : null;
                return code is not null;
            }, "the development sender's log line");
            Assert.DoesNotContain(code!, answerText, StringComparison.Ordinal);
            Assert.Equal("ok", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code })).Status());
        }
    }

    [GeneratedRegex("SMS code for phone \"?…[0-9]{4}\"? is \"?([0-9]{6})\"?")]
    private static partial Regex CodeLine();
}
