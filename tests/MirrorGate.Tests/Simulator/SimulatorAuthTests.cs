using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>Refresh grants, session cookies and bearer checks of the simulator, over real HTTP.</summary>
public sealed class SimulatorAuthTests
{
    private const string Email = "alice@example.com";
    private const string ClientId = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";

    [Fact]
    public async Task Refresh_rotates_and_reusing_a_consumed_token_revokes_the_family()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var first = sim.AddAccount(Email).RefreshToken;

        using var ok = await Refresh(client, first);
        var grant = await SimTestClient.JsonAsync(ok);
        Assert.Equal(200, (int)ok.StatusCode);
        var second = grant["refresh_token"]!.GetValue<string>();
        var access = grant["access_token"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        Assert.Equal(second, sim.GetAccount(Email).RefreshToken);
        Assert.Equal("Bearer", grant["token_type"]!.GetValue<string>());
        Assert.Equal(10 * 86_400, grant["expires_in"]!.GetValue<long>());
        Assert.Equal(200, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", access)).StatusCode);

        using var replay = await Refresh(client, first);
        Assert.Equal(401, (int)replay.StatusCode);
        Assert.Equal("refresh_token_reused", (await SimTestClient.JsonAsync(replay))["error"]!["code"]!.GetValue<string>());

        using var afterTheft = await Refresh(client, second);
        Assert.Equal(401, (int)afterTheft.StatusCode);
        Assert.Equal("refresh_token_invalidated", (await SimTestClient.JsonAsync(afterTheft))["error"]!["code"]!.GetValue<string>());
        Assert.Equal(401, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", access)).StatusCode);
        Assert.Equal(3, sim.CallCount(SimEndpoints.OAuthToken, Email));
    }

    [Fact]
    public async Task Refresh_without_rotation_keeps_the_same_refresh_token()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { RotateRefreshTokens = false });
        using var client = new SimTestClient(sim);
        var token = sim.AddAccount(Email).RefreshToken;

        for (var i = 0; i < 2; i++)
        {
            using var response = await Refresh(client, token);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(token, (await SimTestClient.JsonAsync(response))["refresh_token"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_let_exactly_one_through()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var token = sim.AddAccount(Email).RefreshToken;

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Refresh(client, token)));
        Assert.Single(responses, r => (int)r.StatusCode == 200);
        Assert.Equal(49, responses.Count(r => (int)r.StatusCode == 401));
        Assert.Equal(50, sim.CallCount(SimEndpoints.OAuthToken, Email));
        using var after = await Refresh(client, sim.GetAccount(Email).RefreshToken);
        Assert.Equal(401, (int)after.StatusCode); // the replays revoked the family, the winner's new token included
    }

    [Fact]
    public async Task Refresh_with_a_wrong_client_or_unknown_token_fails_without_consuming_anything()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var token = sim.AddAccount(Email).RefreshToken;

        using var wrongClient = await Refresh(client, token, clientId: "someone-else");
        Assert.Equal(401, (int)wrongClient.StatusCode);
        using var unknown = await Refresh(client, "rt_" + new string('x', 64));
        Assert.Equal(401, (int)unknown.StatusCode);
        using var good = await Refresh(client, token);
        Assert.Equal(200, (int)good.StatusCode);
        Assert.Equal(2, sim.CallCount(SimEndpoints.OAuthToken, Email));
        Assert.Equal(3, sim.CallCount(SimEndpoints.OAuthToken));
    }

    [Fact]
    public async Task Session_exchange_rotates_the_cookie_and_a_consumed_cookie_is_an_empty_session()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var cookie = sim.AddAccount(Email).SessionToken;
        Assert.StartsWith("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..", cookie, StringComparison.Ordinal);

        using var first = await Session(client, cookie);
        var session = await SimTestClient.JsonAsync(first);
        var access = session["accessToken"]!.GetValue<string>();
        Assert.Equal(Email, session["user"]!["email"]!.GetValue<string>());
        var rotated = RotatedCookie(first);
        Assert.NotEqual(cookie, rotated);
        Assert.Equal(rotated, sim.GetAccount(Email).SessionToken);
        Assert.Equal(200, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", access)).StatusCode);

        using var replay = await Session(client, cookie);
        Assert.Equal(200, (int)replay.StatusCode);
        Assert.Empty(await SimTestClient.JsonAsync(replay));
        Assert.False(replay.Headers.Contains("Set-Cookie"));

        using var next = await Session(client, rotated);
        Assert.NotNull((await SimTestClient.JsonAsync(next))["accessToken"]);
        Assert.Equal(3, sim.CallCount(SimEndpoints.AuthSession, Email));
    }

    [Fact]
    public async Task Session_without_rotation_stays_usable()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { RotateSessionTokens = false });
        using var client = new SimTestClient(sim);
        var cookie = sim.AddAccount(Email).SessionToken;
        using var first = await Session(client, cookie);
        using var second = await Session(client, cookie);
        Assert.NotNull((await SimTestClient.JsonAsync(second))["accessToken"]);
        Assert.Equal(cookie, RotatedCookie(second));
    }

    [Fact]
    public async Task Expired_revoked_unknown_and_missing_bearers_get_the_token_expired_401()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var original = sim.AddAccount(Email).AccessToken;
        var expired = sim.IssueAccessToken(Email, TimeSpan.FromMinutes(-1));
        Assert.Equal(expired, sim.GetAccount(Email).AccessToken);

        foreach (var bearer in new[] { expired, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig", null })
        {
            using var rejected = await client.SendAsync(HttpMethod.Get, "/backend-api/me", bearer);
            Assert.Equal(401, (int)rejected.StatusCode);
            Assert.Equal("token_expired", (await SimTestClient.JsonAsync(rejected))["detail"]!["code"]!.GetValue<string>());
        }

        Assert.Equal(200, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", original)).StatusCode);
        sim.RevokeAccessTokens(Email);
        Assert.Equal(401, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", original)).StatusCode);
        var fresh = sim.IssueAccessToken(Email, TimeSpan.FromHours(1));
        Assert.Equal(200, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", fresh)).StatusCode);

        // Rejected calls still count against the account the token names; the unknown and missing ones do not.
        Assert.Equal(4, sim.CallCount(SimEndpoints.Me, Email));
        Assert.Equal(6, sim.CallCount(SimEndpoints.Me));
    }

    [Fact]
    public async Task Access_tokens_are_rs256_jwts_with_the_claims_the_gateway_reads()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        var account = sim.AddAccount(Email, plan: "pro", accessTokenLifetime: TimeSpan.FromHours(2));
        Assert.StartsWith("eyJhbGciOiJSUzI1NiI", account.AccessToken, StringComparison.Ordinal);
        var payload = Payload(account.AccessToken);
        var auth = payload["https://api.openai.com/auth"]!;
        Assert.Equal(account.AccountId, auth["chatgpt_account_id"]!.GetValue<string>());
        Assert.Equal(account.UserId, auth["chatgpt_user_id"]!.GetValue<string>());
        Assert.Equal("pro", auth["chatgpt_plan_type"]!.GetValue<string>());
        Assert.Equal(Email, payload["https://api.openai.com/profile"]!["email"]!.GetValue<string>());
        var lifetime = payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>();
        Assert.Equal(7200, lifetime);
        Assert.True(Guid.TryParse(account.AccountId, out _));
        Assert.StartsWith("rt_", account.RefreshToken, StringComparison.Ordinal);
        Assert.Equal(67, account.RefreshToken.Length);
    }

    private static Task<HttpResponseMessage> Refresh(SimTestClient client, string token, string clientId = ClientId) =>
        client.SendAsync(HttpMethod.Post, "/oauth/token", body: new JsonObject
        {
            ["client_id"] = clientId,
            ["grant_type"] = "refresh_token",
            ["redirect_uri"] = "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback",
            ["refresh_token"] = token,
        });

    private static Task<HttpResponseMessage> Session(SimTestClient client, string cookie) =>
        client.SendAsync(HttpMethod.Get, "/api/auth/session", headers: [("Cookie", $"__Secure-next-auth.session-token={cookie}")]);

    private static string RotatedCookie(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        const string Name = "__Secure-next-auth.session-token=";
        Assert.StartsWith(Name, header, StringComparison.Ordinal);
        return header[Name.Length..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private static JsonNode Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part)))!;
    }
}
