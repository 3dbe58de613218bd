using System.Net;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>Structured logs carry request, user and account ids, and never a secret.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task No_token_key_or_password_reaches_the_log_while_ids_do()
    {
        using var folder = new TempDirectory();
        var logFile = Path.Combine(folder.Path, "gateway.json");
        var secrets = new List<string> { GatewayApp.ServiceKey, GatewayApp.AdminPassword };
        await using (var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel"] = "Debug",
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = logFile,
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog",
        }))
        {
            var pooled = app.Simulator.AddAccount("logged@example.com");
            secrets.AddRange([pooled.AccessToken, pooled.RefreshToken, pooled.SessionToken]);
            await app.AddPooledAccountAsync("logged@example.com");
            var mirror = await app.MirrorTokenAsync("log-user", "logged@example.com");
            secrets.Add(mirror);
            var personal = app.Simulator.AddAccount("personal-log@example.com");
            secrets.AddRange([personal.AccessToken, personal.RefreshToken, personal.SessionToken]);

            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient(mirror).ChatAsync("hello")).StatusCode);
            app.Simulator.RevokeAccessTokens("logged@example.com");
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient(mirror).ChatAsync("after revocation")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient($"{GatewayApp.ServiceKey} {personal.RefreshToken}").ChatAsync("own refresh token")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient("mg-wrong-" + new string('x', 30)).ChatAsync("bad")).StatusCode);

            var current = app.Simulator.GetAccount("logged@example.com");
            secrets.AddRange([current.AccessToken, current.RefreshToken]);
            var personalNow = app.Simulator.GetAccount("personal-log@example.com");
            secrets.AddRange([personalNow.AccessToken, personalNow.RefreshToken]);
        }

        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("\"UserName\":\"log-user\"", log, StringComparison.Ordinal);
        Assert.Contains("\"RequestId\":", log, StringComparison.Ordinal);
        Assert.Contains("logged@example.com", log, StringComparison.Ordinal);
        foreach (var secret in secrets.Distinct())
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"a secret starting {secret[..8]}… is in the log");
        }
    }
}
