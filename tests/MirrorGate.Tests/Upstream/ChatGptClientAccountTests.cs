using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class ChatGptClientAccountTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Refresh_posts_the_ios_client_and_keeps_the_rotated_refresh_token()
    {
        var access = TestTokens.Jwt("""{"exp":1800000000}""");
        var harness = new ClientHarness(
            _ => StubHttpHandler.Json(HttpStatusCode.OK,
                $$"""{"access_token":"{{access}}","expires_in":864000,"token_type":"Bearer","scope":"openid","id_token":"x","refresh_token":"rt_next"}"""),
            timeProvider: new FixedTimeProvider(Now));

        var result = await harness.Client.RefreshAsync("rt_current", proxyUrl: null, CancellationToken.None);

        Assert.Equal(new RefreshedTokens(access, "rt_next", Now.AddDays(10)), result.Value);
        var request = Assert.Single(harness.Handler.Requests);
        Assert.Equal(new Uri("http://auth.test/oauth/token"), request.Uri);
        Assert.Equal(HttpMethod.Post, request.Method);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", body["client_id"]!.GetValue<string>());
        Assert.Equal("refresh_token", body["grant_type"]!.GetValue<string>());
        Assert.Equal("com.openai.chat://auth.openai.com/ios/com.openai.chat/callback", body["redirect_uri"]!.GetValue<string>());
        Assert.Equal("rt_current", body["refresh_token"]!.GetValue<string>());
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task Refresh_without_expires_in_reads_the_access_token_exp_and_no_rotation_is_null()
    {
        var access = TestTokens.Jwt("""{"exp":1800000000}""");
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.OK, $$"""{"access_token":"{{access}}"}"""));

        var result = await harness.Client.RefreshAsync("rt_current", null, CancellationToken.None);

        Assert.Null(result.Value!.RefreshToken);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1800000000), result.Value.ExpiresAt);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":{"message":"reused","type":"invalid_request_error","code":"refresh_token_reused"}}""", UpstreamFailureKind.Unauthorized, "refresh_token_reused")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"expired"}""", UpstreamFailureKind.Unauthorized, "invalid_grant")]
    [InlineData(HttpStatusCode.TooManyRequests, """{"error":{"message":"slow","code":"rate_limited"}}""", UpstreamFailureKind.RateLimited, "rate_limited")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", UpstreamFailureKind.ServerError, null)]
    public async Task Refresh_treats_any_4xx_but_429_as_a_dead_token(HttpStatusCode status, string body, UpstreamFailureKind kind, string? code)
    {
        var harness = new ClientHarness(_ => new HttpResponseMessage(status) { Content = new StringContent(body) });

        var result = await harness.Client.RefreshAsync("rt_current", null, CancellationToken.None);

        Assert.Equal(kind, result.Failure!.Kind);
        Assert.Equal(code, result.Failure.Code);
    }

    [Fact]
    public async Task Session_exchange_sends_the_cookie_and_returns_the_rotated_one()
    {
        var harness = new ClientHarness(_ =>
        {
            var response = StubHttpHandler.Json(HttpStatusCode.OK,
                """{"user":{"id":"user-1","name":"A","email":"a@example.com","image":null,"picture":null,"idp":"auth0","iat":1,"mfa":false,"groups":[],"intercom_hash":"h"},"expires":"2027-02-19T12:00:00.000Z","accessToken":"eyJaccess","authProvider":"auth0"}""");
            response.Headers.Add("Set-Cookie", "__cf_bm=abc; path=/; secure");
            response.Headers.Add("Set-Cookie", "__Secure-next-auth.session-token=rotated-value; Path=/; Expires=Fri, 19 Feb 2027 12:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
            return response;
        });

        var result = await harness.Client.ExchangeSessionTokenAsync("old-session", null, CancellationToken.None);

        Assert.Equal(new SessionExchange("eyJaccess", "rotated-value", "a@example.com", new DateTimeOffset(2027, 2, 19, 12, 0, 0, TimeSpan.Zero)), result.Value);
        var request = Assert.Single(harness.Handler.Requests);
        Assert.Equal("/api/auth/session", request.Path);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("__Secure-next-auth.session-token=old-session", request.Header("Cookie"));
    }

    [Fact]
    public async Task Session_exchange_joins_a_split_rotated_cookie_in_order()
    {
        var harness = new ClientHarness(_ =>
        {
            var response = StubHttpHandler.Json(HttpStatusCode.OK, """{"accessToken":"eyJaccess"}""");
            response.Headers.Add("Set-Cookie", "__Secure-next-auth.session-token.1=second; Path=/");
            response.Headers.Add("Set-Cookie", "__Secure-next-auth.session-token.0=first; Path=/");
            response.Headers.Add("Set-Cookie", "__Secure-next-auth.session-token=; Max-Age=0");
            return response;
        });

        var result = await harness.Client.ExchangeSessionTokenAsync("old", null, CancellationToken.None);

        Assert.Equal("firstsecond", result.Value!.SessionToken);
        Assert.Null(result.Value.Email);
    }

    [Fact]
    public async Task A_dead_session_answering_an_empty_object_is_unauthorized()
    {
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));

        var result = await harness.Client.ExchangeSessionTokenAsync("dead", null, CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Unauthorized, result.Failure!.Kind);
        Assert.Equal("session_invalid", result.Failure.Code);
    }

    [Fact]
    public async Task Account_check_lists_workspaces_in_ordering_once_each()
    {
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.OK, """
            {"accounts":{
               "default":{"account":{"account_id":"personal-1","plan_type":"plus","structure":"personal","is_deactivated":false,"name":null}},
               "team-1":{"account":{"account_id":"team-1","account_user_role":"account-owner","plan_type":"team","structure":"workspace","is_deactivated":false,"name":"Acme"},"features":[]},
               "personal-1":{"account":{"account_id":"personal-1","plan_type":"plus","structure":"personal","is_deactivated":false}},
               "old-team":{"account":{"account_id":"old-team","plan_type":"team","structure":"workspace","is_deactivated":true,"name":"Gone"}}},
             "account_ordering":["team-1","personal-1"]}
            """));

        var result = await harness.Client.CheckAccountAsync(ClientHarness.LoggedIn(team: null), CancellationToken.None);

        Assert.Equal(
            [
                new WorkspaceInfo("team-1", "team", "workspace", false, "Acme"),
                new WorkspaceInfo("personal-1", "plus", "personal", false, null),
                new WorkspaceInfo("old-team", "team", "workspace", true, "Gone"),
            ],
            result.Value!.Workspaces);
        Assert.Equal("/backend-api/accounts/check/v4-2023-04-27", Assert.Single(harness.Handler.Requests).Path);
    }

    [Fact]
    public async Task Account_check_of_an_anonymous_device_asks_nothing()
    {
        var harness = new ClientHarness(_ => throw new InvalidOperationException("no call expected"));

        var result = await harness.Client.CheckAccountAsync(ClientHarness.Anonymous(), CancellationToken.None);

        Assert.Empty(result.Value!.Workspaces);
        Assert.Empty(harness.Handler.Requests);
    }

    [Fact]
    public async Task Models_are_listed_with_titles_and_max_tokens()
    {
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.OK, """
            {"models":[{"slug":"gpt-5-instant","max_tokens":34815,"title":"GPT-5 Instant","description":"d","tags":[],"capabilities":{},"product_features":{}},
                       {"title":"no slug"},{"slug":"auto"}],"categories":[]}
            """));

        var result = await harness.Client.ListModelsAsync(ClientHarness.Anonymous(), CancellationToken.None);

        Assert.Equal([new UpstreamModel("gpt-5-instant", "GPT-5 Instant", 34815), new UpstreamModel("auto", null, null)], result.Value);
        Assert.Equal("/backend-anon/models", Assert.Single(harness.Handler.Requests).Path);
    }
}
