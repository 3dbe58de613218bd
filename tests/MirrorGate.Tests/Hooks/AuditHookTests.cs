using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Hooks;

public sealed class AuditGateway : HookGateway
{
    public const string Account = "audit-pool@example.com";

    protected override Dictionary<string, string?> Settings(HookServer hooks) => new()
    {
        ["Hooks:AuditUrl"] = hooks.Url("/audit"),
        ["Hooks:AllowLoopback"] = "true",
    };

    protected override async Task SeedAsync(GatewayApp app) => await app.AddPooledAccountAsync(Account);
}

/// <summary>
/// The Audit hook (issue 10, item 3): asked before a user's turn goes upstream, with the upstream body, the user's
/// own token and <c>queries</c>; 200 lets it through, anything else refuses with the hook's message, and a
/// <c>SaaS-Body-Modifier</c> answer replaces the body.
/// </summary>
public sealed class AuditHookTests(AuditGateway gateway) : IClassFixture<AuditGateway>, IAsyncLifetime
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
    public async Task A_200_lets_a_users_turn_through_after_the_hook_saw_the_upstream_body_the_users_token_and_queries()
    {
        var token = await App.MirrorTokenAsync("audit-allowed", AuditGateway.Account);
        using var client = App.CreateClient(token);
        var before = Hooks.Calls("/audit").Count;

        using var openAi = await client.ChatAsync("audited hello");
        Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);
        Assert.Equal(SimReplies.For("audited hello", 1), await openAi.ContentAsync());

        using var backend = await client.PostAsJsonAsync("/backend-api/conversation", HookTestData.WebPayload("audited from the web"));
        Assert.Equal(HttpStatusCode.OK, backend.StatusCode);
        Assert.Contains("audited from the web", await backend.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var calls = Hooks.Calls("/audit").Skip(before).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, call =>
        {
            Assert.Equal("Bearer " + token, call.Header("Authorization"));
            Assert.Equal("1", call.Header("queries"));
            Assert.StartsWith("application/json", call.Header("Content-Type"), StringComparison.Ordinal);
        });

        // The OpenAI request arrives as the ChatGPT web payload the gateway sends upstream; the web payload as sent.
        var fromOpenAi = JsonNode.Parse(calls[0].Body)!.AsObject();
        Assert.Equal("next", fromOpenAi["action"]!.GetValue<string>());
        Assert.Contains("audited hello", fromOpenAi["messages"]!.ToJsonString(), StringComparison.Ordinal);
        var fromWeb = JsonNode.Parse(calls[1].Body)!.AsObject();
        Assert.Equal(-480, fromWeb["timezone_offset_min"]!.GetValue<int>());
        Assert.Contains("audited from the web", fromWeb["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_that_are_not_users_are_not_audited()
    {
        Hooks.On("/audit", new HookAnswer(403, new JsonObject { ["detail"] = new JsonObject { ["message"] = "users only" } }));
        var before = Hooks.Calls("/audit").Count;

        using var pooled = await App.CreateClient(GatewayApp.ServiceKey).ChatAsync("service key turn");

        Assert.Equal(HttpStatusCode.OK, pooled.StatusCode);
        Assert.Equal(before, Hooks.Calls("/audit").Count);
    }

    [Theory]
    [InlineData(429, """{"detail":{"message":"You have triggered the usage frequency limit of auto.","clears_in":30}}""", null, 429, "You have triggered the usage frequency limit of auto.")]
    [InlineData(400, """{"detail":"别闹了"}""", null, 400, "别闹了")]
    [InlineData(403, """{"error":"请珍惜账号,不要提问违禁内容."}""", null, 403, "请珍惜账号,不要提问违禁内容.")]
    [InlineData(451, null, "not json at all", 451, "This request was refused by the service's audit.")]
    [InlineData(201, """{"detail":{"message":"only 200 passes"}}""", null, 403, "only 200 passes")]
    public async Task Any_answer_but_200_refuses_the_turn_with_the_hooks_message(int hookStatus, string? json, string? text, int expectedStatus, string expectedMessage)
    {
        Hooks.On("/audit", new HookAnswer(hookStatus, json is null ? null : JsonNode.Parse(json), text));
        var token = await App.MirrorTokenAsync($"audit-refused-{hookStatus}", AuditGateway.Account);
        var upstreamBefore = App.Simulator.CallCount("f/conversation", AuditGateway.Account);

        using var refused = await App.CreateClient(token).ChatAsync("may I?");

        Assert.Equal(expectedStatus, (int)refused.StatusCode);
        var error = (await refused.JsonAsync())["error"]!;
        Assert.Equal(expectedMessage, error["message"]!.GetValue<string>());
        Assert.Equal("audit_refused", error["code"]!.GetValue<string>());
        Assert.Equal(upstreamBefore, App.Simulator.CallCount("f/conversation", AuditGateway.Account));
        if (expectedStatus == 429)
        {
            Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter!.Delta);
        }
    }

    [Fact]
    public async Task A_5xx_is_the_hook_failing_a_503_with_its_message_by_default()
    {
        Hooks.On("/audit", new HookAnswer(500, new JsonObject { ["detail"] = new JsonObject { ["message"] = "Internal Server Error." } }));
        var token = await App.MirrorTokenAsync("audit-failing", AuditGateway.Account);

        using var refused = await App.CreateClient(token).ChatAsync("judge me");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var error = (await refused.JsonAsync())["error"]!;
        Assert.Equal("Internal Server Error.", error["message"]!.GetValue<string>());
        Assert.Equal("audit_unavailable", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refusal_on_the_backend_family_is_in_its_detail_shape()
    {
        Hooks.On("/audit", new HookAnswer(403, new JsonObject { ["detail"] = new JsonObject { ["message"] = "not on the web either" } }));
        var token = await App.MirrorTokenAsync("audit-refused-web", AuditGateway.Account);

        using var refused = await App.CreateClient(token).PostAsJsonAsync("/backend-api/conversation", HookTestData.WebPayload("may I?"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var detail = (await refused.JsonAsync())["detail"]!;
        Assert.Equal("not on the web either", detail["message"]!.GetValue<string>());
        Assert.Equal("audit_refused", detail["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_modifier_answer_replaces_what_goes_upstream()
    {
        Hooks.On("/audit", call =>
        {
            var body = JsonNode.Parse(call.Body)!.AsObject();
            var messages = body["messages"]!.AsArray();
            messages[^1]!["content"]!["parts"]![0] = "rewritten by the audit";
            return Task.FromResult(new HookAnswer(Json: new JsonObject { ["modifier"] = body }, Headers: new Dictionary<string, string> { ["SaaS-Body-Modifier"] = "1" }));
        });
        var token = await App.MirrorTokenAsync("audit-modified", AuditGateway.Account);

        using var chat = await App.CreateClient(token).ChatAsync("the original question");

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(SimReplies.For("rewritten by the audit", 1), await chat.ContentAsync());
    }

    [Fact]
    public async Task A_body_modifier_header_without_a_modifier_object_fails_closed()
    {
        Hooks.On("/audit", new HookAnswer(Text: "not json", Headers: new Dictionary<string, string> { ["SaaS-Body-Modifier"] = "true" }));
        var token = await App.MirrorTokenAsync("audit-broken-modifier", AuditGateway.Account);

        using var refused = await App.CreateClient(token).ChatAsync("modify me");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("audit_unavailable", (await refused.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    // The use a refused turn took under the user's limit goes back, or an audit refusal would cost the user a message.
    [Fact]
    public async Task A_refused_turn_gives_back_the_use_it_took_under_the_users_limit()
    {
        var token = await App.MirrorTokenAsync("audit-limited", AuditGateway.Account, limits: new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } });
        using var client = App.CreateClient(token);

        Hooks.On("/audit", new HookAnswer(403, new JsonObject { ["detail"] = new JsonObject { ["message"] = "not this one" } }));
        using (var refused = await client.ChatAsync("refused"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Hooks.On("/audit", new HookAnswer());
        using (var allowed = await client.ChatAsync("allowed"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var overLimit = await client.ChatAsync("one too many");
        Assert.Equal(HttpStatusCode.TooManyRequests, overLimit.StatusCode);
        Assert.Equal("model_limit_exceeded", (await overLimit.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }
}
