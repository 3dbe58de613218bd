using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Tokens;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Hooks;

public sealed class OAuthGateway : HookGateway
{
    public const string PlusAccount = "oauth-plus@example.com";
    public const string ProAccount = "oauth-pro@example.com";

    /// <summary>The gateway's clock, moved by the test of the cache lifetime (timers keep real time).</summary>
    public ManualTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider Clock => Time;

    protected override Dictionary<string, string?> Settings(HookServer hooks) => new()
    {
        ["Hooks:OAuthUrl"] = hooks.Url("/oauth"),
        // The audit shows which token the operator's hooks are given for a user.
        ["Hooks:AuditUrl"] = hooks.Url("/audit"),
        ["Hooks:AllowLoopback"] = "true",
    };

    protected override async Task SeedAsync(GatewayApp app)
    {
        await app.AddPooledAccountAsync(PlusAccount, plan: "plus");
        await app.AddPooledAccountAsync(ProAccount, plan: "pro");
    }

    /// <summary>The index record of a credential, as the gateway looks bearers up.</summary>
    public Task<TokenRecord?> RecordAsync(string bearer) =>
        App.Grains.GetGrain<ITokenGrain>(App.Services.GetRequiredService<UserTokens>().IndexKey(bearer)).ResolveAsync();
}

/// <summary>
/// The OAuth hook (issue 10, item 3): a bearer the gateway does not know is asked about as form-data
/// <c>usertoken</c>; <c>code</c> 1 makes it an activation code of a user with the hook's profile, who chats on the
/// preferred plan type, until the cache lifetime has passed and the hook is asked again.
/// </summary>
public sealed class OAuthHookTests(OAuthGateway gateway) : IClassFixture<OAuthGateway>, IAsyncLifetime
{
    private GatewayApp App => gateway.App;

    private HookServer Hooks => gateway.Hooks;

    public Task InitializeAsync()
    {
        Hooks.On("/audit", new HookAnswer());
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_bearer_the_hook_vouches_for_becomes_a_user_with_its_profile_who_chats_without_asking_again()
    {
        const string Bearer = "sorux-oauth-profile-0001";
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject
        {
            ["code"] = 1,
            ["msg"] = "登入成功",
            ["avatar"] = "https://example.com/alice.png",
            ["email"] = "alice@example.com",
            ["nickname"] = "alice",
            ["uid"] = 42,
        }));
        var asked = OAuthCalls(Bearer);
        using var client = App.CreateClient(Bearer);

        using (var first = await client.ChatAsync("signed in by the operator"))
        {
            Assert.Equal(SimReplies.For("signed in by the operator", 1), await first.ContentAsync());
        }

        using (var second = await client.PostAsJsonAsync("/backend-api/conversation", HookTestData.WebPayload("and on the web")))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(asked + 1, OAuthCalls(Bearer));
        var record = (await gateway.RecordAsync(Bearer))!;
        Assert.Equal(UserTokenKind.ActivationCode, record.Kind);
        var user = (await App.Grains.GetGrain<IUserGrain>(record.UserName).GetSnapshotAsync())!;
        Assert.Equal(new UserProfile("https://example.com/alice.png", "alice@example.com", "alice", "42"), user.Profile);
        Assert.Single(user.ActivationCodes);

        // The operator's other hooks are shown the user's own token.
        Assert.Equal("Bearer " + Bearer, Hooks.Calls("/audit")[^1].Header("Authorization"));
    }

    [Theory]
    [InlineData("pro", OAuthGateway.ProAccount, OAuthGateway.PlusAccount)]
    [InlineData("plus", OAuthGateway.PlusAccount, OAuthGateway.ProAccount)]
    public async Task The_pool_prefers_the_accounts_of_the_users_priority(string priority, string preferred, string other)
    {
        var bearer = $"sorux-oauth-priority-{priority}";
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 1, ["priority"] = priority }));
        var (preferredBefore, otherBefore) = (App.Simulator.CallCount("f/conversation", preferred), App.Simulator.CallCount("f/conversation", other));
        using var client = App.CreateClient(bearer);

        for (var i = 0; i < 3; i++)
        {
            using var chat = await client.ChatAsync($"served on {priority} {i}");
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        Assert.Equal(preferredBefore + 3, App.Simulator.CallCount("f/conversation", preferred));
        Assert.Equal(otherBefore, App.Simulator.CallCount("f/conversation", other));
        Assert.Equal(priority, (await gateway.RecordAsync(bearer))!.PreferredPlan);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("true")]
    public async Task Code_1_as_a_string_or_true_signs_in_and_missing_fields_take_their_defaults(string code)
    {
        var bearer = $"sorux-oauth-code-{code.Trim('"')}";
        Hooks.On("/oauth", new HookAnswer(Json: JsonNode.Parse($$"""{"code":{{code}}}""")));

        using var chat = await App.CreateClient(bearer).ChatAsync("defaults please");

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        var record = (await gateway.RecordAsync(bearer))!;
        Assert.Null(record.PreferredPlan);
        var user = (await App.Grains.GetGrain<IUserGrain>(record.UserName).GetSnapshotAsync())!;
        Assert.Equal(new UserProfile(null, "default-user@gmail.com", "default-user", "1"), user.Profile);
    }

    [Theory]
    [InlineData(200, """{"code":0,"msg":"无效的激活码"}""", null, "无效的激活码", "oauth_refused")]
    [InlineData(200, """{"code":"0"}""", null, "The sign-in was refused.", "oauth_refused")]
    [InlineData(200, """{"msg":"no code in this answer"}""", null, "no code in this answer", "oauth_unavailable")]
    [InlineData(500, null, "oops", "The sign-in service is unavailable; try again later.", "oauth_unavailable")]
    public async Task A_refusal_or_a_failing_hook_is_a_401_with_the_hooks_msg(int status, string? json, string? text, string message, string code)
    {
        var bearer = $"sorux-oauth-refused-{status}-{code}-{message.Length}";
        Hooks.On("/oauth", new HookAnswer(status, json is null ? null : JsonNode.Parse(json), text));

        using var refused = await App.CreateClient(bearer).ChatAsync("let me in");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var error = (await refused.JsonAsync())["error"]!;
        Assert.Equal(message, error["message"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Null(await gateway.RecordAsync(bearer));
        Assert.Equal(1, OAuthCalls(bearer));
    }

    [Fact]
    public async Task Known_bearers_are_never_sent_to_the_hook()
    {
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 1 }));
        var mirror = await App.MirrorTokenAsync("oauth-mirror-user", OAuthGateway.PlusAccount);
        var calls = Hooks.Calls("/oauth").Count;

        using var byMirror = await App.CreateClient(mirror).ChatAsync("a mirror token");
        using var byKey = await App.CreateClient(GatewayApp.ServiceKey).ChatAsync("the service key");
        using var forged = await App.CreateClient("mg-forged-token").ChatAsync("a forged mirror token");

        Assert.Equal(HttpStatusCode.OK, byMirror.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(calls, Hooks.Calls("/oauth").Count);
    }

    // A code revoked in the operator's own system must stop working here too, within the cache lifetime.
    [Fact]
    public async Task After_the_cache_lifetime_the_hook_is_asked_again_and_a_refusal_revokes_the_code_and_its_api_key()
    {
        const string Bearer = "sorux-oauth-recheck-0001";
        const string ApiKey = "sorux-oauth-apikey-0001";
        const string ForceToken = "sorux-oauth-real-token-0001";
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 1, ["apikey"] = ApiKey, ["forcetoken"] = ForceToken }));

        using (var byBearer = await App.CreateClient(Bearer).ChatAsync("with the login token"))
        {
            Assert.Equal(HttpStatusCode.OK, byBearer.StatusCode);
        }

        // forcetoken is the token the operator's hooks are shown; the API key is one more credential of the same user.
        Assert.Equal("Bearer " + ForceToken, Hooks.Calls("/audit")[^1].Header("Authorization"));
        using (var byKey = await App.CreateClient(ApiKey).ChatAsync("with the api key"))
        {
            Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        }

        Assert.Equal((await gateway.RecordAsync(Bearer))!.UserName, (await gateway.RecordAsync(ApiKey))!.UserName);
        Assert.Equal(1, OAuthCalls(Bearer));
        Assert.Equal(0, OAuthCalls(ApiKey));

        // The lifetime passes; the operator revoked the login meanwhile. Using the API key asks about its login token.
        gateway.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 0, ["msg"] = "激活码已过期！" }));
        using (var revoked = await App.CreateClient(ApiKey).ChatAsync("still there?"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            Assert.Equal("激活码已过期！", (await revoked.JsonAsync())["error"]!["message"]!.GetValue<string>());
        }

        Assert.Equal(2, OAuthCalls(Bearer));
        Assert.Null(await gateway.RecordAsync(Bearer));
        Assert.Null(await gateway.RecordAsync(ApiKey));

        // Vouched for again, the login token signs in anew.
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 1 }));
        using var again = await App.CreateClient(Bearer).ChatAsync("back again");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(3, OAuthCalls(Bearer));
    }

    [Fact]
    public async Task The_credentials_the_hook_hands_out_are_stored_encrypted()
    {
        const string Bearer = "sorux-oauth-at-rest-0001";
        const string ApiKey = "sorux-oauth-at-rest-key-0001";
        const string ForceToken = "sorux-oauth-at-rest-real-0001";
        Hooks.On("/oauth", new HookAnswer(Json: new JsonObject { ["code"] = 1, ["apikey"] = ApiKey, ["forcetoken"] = ForceToken, ["nickname"] = "at-rest" }));

        using var chat = await App.CreateClient(Bearer).ChatAsync("store me safely");

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        var states = HookTestData.StoredStates(App);
        Assert.Contains(states, s => s.StateName == "user" && s.Payload.Contains("\"at-rest\"", StringComparison.Ordinal));
        foreach (var secret in new[] { Bearer, ApiKey, ForceToken })
        {
            Assert.DoesNotContain(states, s => s.Payload.Contains(secret, StringComparison.Ordinal));
        }
    }

    private int OAuthCalls(string bearer) => Hooks.Calls("/oauth").Count(c => c.Form.GetValueOrDefault("usertoken") == bearer);
}
