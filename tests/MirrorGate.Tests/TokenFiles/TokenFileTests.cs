using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.TokenFiles;

/// <summary>Aurora's token files: read at start and on change, each line an account of the pool, a bad line alone refused.</summary>
public sealed class TokenFileTests
{
    private const string TeamId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    [Fact]
    public async Task Lines_of_the_three_files_serve_chats_at_start_and_an_appended_line_serves_soon_after()
    {
        await using var simulator = await UpstreamSimulator.StartAsync();
        using var folder = new TempDirectory();
        var access = simulator.AddAccount("file-access@example.com");
        var team = simulator.AddAccount("file-team@example.com", "team", teamAccountId: TeamId);
        var refresh = simulator.AddAccount("file-refresh@example.com");
        var session = simulator.AddAccount("file-session@example.com");
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "access_tokens.txt"), ["# pooled accounts", "", access.AccessToken, $"{team.AccessToken}:{TeamId}"]);
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "refresh_tokens.txt"), [refresh.RefreshToken]);
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "session_tokens.txt"), ["  " + session.SessionToken + "  "]);

        await using var app = await GatewayApp.StartAsync(Settings(folder), sharedSimulator: simulator);
        foreach (var email in new[] { access.Email, team.Email, refresh.Email, session.Email })
        {
            await AssertServesAsync(app, email);
        }

        Assert.Equal(TeamId, (await app.SnapshotAsync(team.Email)).TeamAccountId);
        Assert.Null((await app.SnapshotAsync(access.Email)).TeamAccountId);

        var newcomer = simulator.AddAccount("file-newcomer@example.com");
        await File.AppendAllLinesAsync(Path.Combine(folder.Path, "access_tokens.txt"), [newcomer.AccessToken]);
        await AssertServesAsync(app, newcomer.Email);

        // The pool's own choice (the service key) reaches the file accounts too, without any mirror token.
        using var pooled = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("pooled");
        Assert.Equal(HttpStatusCode.OK, pooled.StatusCode);
    }

    [Fact]
    public async Task A_bad_line_leaves_the_others_serving_and_no_token_reaches_the_log()
    {
        await using var simulator = await UpstreamSimulator.StartAsync();
        using var folder = new TempDirectory();
        using var logs = new TempDirectory();
        var logFile = Path.Combine(logs.Path, "gateway.json");
        var good = simulator.AddAccount("file-good@example.com");
        var goodByRefresh = simulator.AddAccount("file-good-refresh@example.com");
        const string BadJwt = "eyJhbGciOiJSUzI1NiJ9.bad-secret-payload.bad-secret-signature";
        const string BadRefresh = "rt_bad-secret-refresh-token-0123456789abcdefghijklmnopqrstuvwxyz";
        const string ColonLine = "bad-secret-with:colon-but-no-team";
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "access_tokens.txt"), [BadJwt, ColonLine, good.AccessToken]);
        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "refresh_tokens.txt"), [BadRefresh, goodByRefresh.RefreshToken]);

        var settings = Settings(folder);
        settings["Serilog:MinimumLevel"] = "Debug";
        settings["Serilog:WriteTo:0:Name"] = "File";
        settings["Serilog:WriteTo:0:Args:path"] = logFile;
        settings["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog";
        await using (var app = await GatewayApp.StartAsync(settings, sharedSimulator: simulator))
        {
            await AssertServesAsync(app, good.Email);
            await AssertServesAsync(app, goodByRefresh.Email);
        }

        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("access_tokens.txt", log, StringComparison.Ordinal);
        Assert.Contains("\"LineNumber\":1", log, StringComparison.Ordinal);
        foreach (var secret in new[] { BadJwt, BadRefresh, ColonLine, "bad-secret", good.AccessToken, goodByRefresh.RefreshToken })
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"a token starting {secret[..8]}… is in the log");
        }
    }

    private static Dictionary<string, string?> Settings(TempDirectory folder) => new()
    {
        ["TokenFiles:Enabled"] = "true",
        ["TokenFiles:Directory"] = folder.Path,
    };

    /// <summary>Waits until the file's account can be given to a user, then has it answer a chat.</summary>
    private static async Task AssertServesAsync(GatewayApp app, string email)
    {
        string? mirror = null;
        await Eventually.WaitUntilAsync(async () => (mirror = await TryMirrorTokenAsync(app, email)) is not null, $"{email} is registered from its token file");
        var before = app.Simulator.CallCount("f/conversation", email);
        using var response = await app.CreateClient(mirror).ChatAsync("from a token file");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, app.Simulator.CallCount("f/conversation", email));
    }

    private static async Task<string?> TryMirrorTokenAsync(GatewayApp app, string email)
    {
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/get-mirror-token", new { user_name = "file-user-" + email.Split('@')[0], isolated_session = true, limits = Array.Empty<object>(), chatgpt_list = new[] { email } });
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())![0]!["mirror_token"]!.GetValue<string>() : null;
    }
}
