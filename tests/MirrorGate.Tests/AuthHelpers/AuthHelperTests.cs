using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.AuthHelpers;

/// <summary>One gateway shared by the auth-helper tests; each test uses accounts of its own.</summary>
public sealed class AuthHelperGateway : IAsyncLifetime
{
    public GatewayApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await GatewayApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Aurora's <c>POST /auth/refresh</c> and <c>POST /auth/session</c>, and the guard that keeps them off pooled tokens.</summary>
public sealed class AuthHelperTests(AuthHelperGateway gateway) : IClassFixture<AuthHelperGateway>
{
    private GatewayApp App => gateway.App;

    [Fact]
    public async Task Refresh_answers_the_new_access_token_and_the_rotated_refresh_token()
    {
        var account = App.Simulator.AddAccount("refresh-helper@example.com");
        var original = account.RefreshToken;
        using var client = App.CreateClient();

        using var response = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = original });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.StartsWith("eyJ", body["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.InRange(body["expires_in"]!.GetValue<long>(), 1, (long)TimeSpan.FromDays(11).TotalSeconds);
        var rotated = body["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(original, rotated);
        Assert.Equal(account.RefreshToken, rotated);

        // The spent token is the caller's to lose: the upstream's own refusal comes back with its status.
        using var replay = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = original });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("invalid_request_error", (await replay.JsonAsync())["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Session_answers_the_rotated_session_token_and_the_access_token_under_both_keys()
    {
        var account = App.Simulator.AddAccount("session-helper@example.com");
        var original = account.SessionToken;
        using var client = App.CreateClient();

        using var response = await client.PostAsJsonAsync("/auth/session", new { session_token = original });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var accessToken = body["accessToken"]!.GetValue<string>();
        Assert.StartsWith("eyJ", accessToken, StringComparison.Ordinal);
        Assert.Equal(accessToken, body["access_token"]!.GetValue<string>());
        var rotated = body["session_token"]!.GetValue<string>();
        Assert.NotEqual(original, rotated);
        Assert.Equal(account.SessionToken, rotated);

        // The rotated token works, the consumed one does not.
        using var again = await client.PostAsJsonAsync("/auth/session", new { session_token = rotated });
        using var stale = await client.PostAsJsonAsync("/auth/session", new { session_token = original });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_imported_into_the_pool_is_refused_and_never_spent_so_the_pool_keeps_working()
    {
        var account = App.Simulator.AddAccount("pooled-helper@example.com");
        var imported = account.RefreshToken;
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = imported })).EnsureSuccessStatusCode();
        var exchanges = App.Simulator.CallCount("oauth/token");
        using var client = App.CreateClient();

        using var refused = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = imported });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("token_held_by_gateway", (await refused.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(exchanges, App.Simulator.CallCount("oauth/token"));
        using var mirror = App.CreateClient(await App.MirrorTokenAsync("helper-user", account.Email));
        using var chat = await mirror.ChatAsync("still served");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task Refresh_and_session_tokens_the_gateway_holds_as_bearer_accounts_are_refused_too()
    {
        var account = App.Simulator.AddAccount("bearer-helper@example.com");
        var refreshToken = account.RefreshToken;
        using (var bearer = App.CreateClient(GatewayApp.ServiceKey + " " + refreshToken))
        using (var chat = await bearer.ChatAsync("as a bearer"))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        var session = App.Simulator.AddAccount("bearer-session-helper@example.com");
        var sessionToken = session.SessionToken;
        using (var bearer = App.CreateClient(GatewayApp.ServiceKey + " " + sessionToken))
        using (var chat = await bearer.ChatAsync("as a session bearer"))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        using var client = App.CreateClient();
        using var refresh = await client.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });
        using var exchange = await client.PostAsJsonAsync("/auth/session", new { session_token = sessionToken });

        Assert.Equal(HttpStatusCode.Conflict, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, exchange.StatusCode);
    }

    [Theory]
    [InlineData("/auth/refresh", "{}", "refresh_token")]
    [InlineData("/auth/refresh", "{\"refresh_token\":42}", "refresh_token")]
    [InlineData("/auth/refresh", "{\"refresh_token\":\"   \"}", "refresh_token")]
    [InlineData("/auth/session", "{\"session_token\":null}", "session_token")]
    [InlineData("/auth/session", "{\"session_token\":[\"x\"]}", "session_token")]
    public async Task Bad_bodies_get_a_400_naming_the_field(string path, string body, string param)
    {
        using var client = App.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.JsonAsync())["error"]!["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/auth/refresh")]
    [InlineData("/auth/session")]
    public async Task Broken_JSON_gets_a_400_and_an_unknown_token_the_upstream_refusal(string path)
    {
        using var client = App.CreateClient();
        using var broken = await client.PostAsync(path, new StringContent("{\"x\":", Encoding.UTF8, "application/json"));
        var field = path.EndsWith("refresh", StringComparison.Ordinal) ? "refresh_token" : "session_token";
        using var unknown = await client.PostAsync(path, JsonContent.Create(new JsonObject { [field] = "unknown-" + new string('z', 60) }));

        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.NotNull((await unknown.JsonAsync())["error"]!["message"]);
    }
}
