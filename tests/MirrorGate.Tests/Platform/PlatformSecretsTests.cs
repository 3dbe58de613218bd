using MirrorGate.SmsSim;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// No SMS code, session token, API key or secret key reaches the log (the HTTP sender is used; only the development
/// log sender writes a code, on purpose), and the keys are not in clear in the node's data folder.
/// </summary>
public sealed class PlatformSecretsTests
{
    [Fact]
    public async Task Codes_tokens_and_keys_stay_out_of_the_log_and_out_of_storage_in_clear()
    {
        using var folder = new TempDirectory();
        using var data = new TempDirectory();
        var logFile = Path.Combine(folder.Path, "gateway.json");
        var secrets = new List<string>();
        await using (var sms = await SmsSimulator.StartAsync("sms-provider-secret"))
        {
            secrets.Add(sms.ApiKey);
            await using (var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
            {
                ["Sms:Sender"] = "Http",
                ["Sms:Url"] = sms.SendUrl.ToString(),
                ["Sms:ApiKey"] = sms.ApiKey,

                // Nine digits, looked for as a whole word: six could turn up by chance among a log's timestamps.
                ["Rbac:CodeLength"] = "9",
                ["Serilog:MinimumLevel"] = "Debug",
                ["Serilog:WriteTo:0:Name"] = "File",
                ["Serilog:WriteTo:0:Args:path"] = logFile,
                ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog",
            }, dataDirectory: data))
            {
                var phone = PlatformGateway.NewPhone();
                using var client = app.CreateClient();
                var key = (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}"))["data"]!["key"]!.GetValue<string>();
                var code = sms.LastCode(phone);
                secrets.Add(code);
                var wrong = code == "000000" ? "000001" : "000000";
                Assert.Equal("error", (await client.GetDspyAsync($"/rbac/phone_login.dspy?cellphone={phone}&key={key}&sms_code={wrong}")).Status());
                var login = await client.GetDspyAsync($"/rbac/phone_login.dspy?cellphone={phone}&key={key}&sms_code={code}");
                var token = login["data"]!["token"]!.GetValue<string>();
                secrets.Add(token);

                using var bearer = app.CreateClient();
                bearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
                var applied = (await bearer.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "secret app" }))["data"]!;
                var apiKey = applied["apikey"]!.GetValue<string>();
                var secretKey = applied["secretkey"]!.GetValue<string>();
                secrets.AddRange([apiKey, secretKey]);

                using var keyed = app.CreateClient();
                keyed.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", DeererClient.Header(applied["id"]!.GetValue<string>(), secretKey, apiKey, DateTimeOffset.UtcNow));
                Assert.Equal("ok", (await keyed.GetDspyAsync("/dapi/downapps.dspy")).Status());
                using var refused = app.CreateClient();
                refused.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + apiKey[..^1] + (apiKey[^1] == 'a' ? "b" : "a"));
                Assert.Equal("请先登录", (await refused.GetDspyAsync("/dapi/downapps.dspy")).Message());
            }
        }

        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("Platform API key refused", log, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.False(Contains(log, secret), $"a secret starting {secret[..3]}… is in the log");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(data.Path, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var text = System.Text.Encoding.Latin1.GetString(bytes) + System.Text.Encoding.UTF8.GetString(bytes);
            foreach (var secret in secrets.Skip(1))
            {
                Assert.False(Contains(text, secret), $"a secret starting {secret[..3]}… is stored in clear in {Path.GetFileName(file)}");
            }
        }
    }

    /// <summary>Whether <paramref name="secret"/> occurs as a whole word (not inside a longer run of letters and digits, such as a hash).</summary>
    private static bool Contains(string text, string secret) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, "(?<![0-9A-Za-z])" + System.Text.RegularExpressions.Regex.Escape(secret) + "(?![0-9A-Za-z])");
}
