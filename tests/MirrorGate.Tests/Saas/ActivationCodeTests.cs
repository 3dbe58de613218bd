using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Saas;

/// <summary>
/// Activation codes as users (issue 10, item 2): a code is a bearer for the pool within its plan tier until it
/// expires, managed through <c>/adminapi</c>, and one more credential of the same user grain as mirror tokens.
/// </summary>
public sealed class ActivationCodeTests(SaasGateway gateway) : IClassFixture<SaasGateway>, IAsyncLifetime
{
    private GatewayApp App => gateway.App;

    public async Task InitializeAsync()
    {
        if (!App.Pool.Accounts.Any(a => a.Email == "codes-pool@example.com"))
        {
            await App.AddPooledAccountAsync("codes-pool@example.com", plan: "pro");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_generated_code_chats_on_the_pool_through_the_openai_and_backend_families()
    {
        var code = await gateway.CreateCodeAsync(new { plan = "plus", days = 30 });
        Assert.StartsWith("mg-", code, StringComparison.Ordinal);

        using var client = App.CreateClient(code);
        using var openAi = await client.ChatAsync("hello with a code");
        Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);

        using var backend = await client.PostAsJsonAsync("/backend-api/conversation", new
        {
            action = "next",
            model = "auto",
            parent_message_id = Guid.NewGuid().ToString(),
            messages = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { "hello from the web" } } } },
        });
        Assert.Equal(HttpStatusCode.OK, backend.StatusCode);
    }

    [Fact]
    public async Task An_operators_own_code_brought_from_another_system_works_as_a_bearer_even_behind_a_service_key()
    {
        await gateway.CreateCodeAsync(new { code = "SORUX-OWN-CODE-0001", user = "migrated-user", plan = "plus" });

        using var client = App.CreateClient("SORUX-OWN-CODE-0001");
        using var chat = await client.ChatAsync("my old code still works");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        using var stranger = App.CreateClient("SORUX-NOT-A-CODE-0002");
        using var refused = await stranger.ChatAsync("guessing");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.NotNull((await refused.JsonAsync())["error"]!["message"]);
    }

    [Fact]
    public async Task A_free_code_is_refused_a_plus_model_in_the_family_shape_and_served_a_free_one()
    {
        var code = await gateway.CreateCodeAsync(new { plan = "free" });
        using var client = App.CreateClient(code);

        using var plus = await client.ChatAsync("think hard", model: "gpt-4o");
        Assert.Equal(HttpStatusCode.Forbidden, plus.StatusCode);
        Assert.Equal("model_not_in_plan", (await plus.JsonAsync())["error"]!["code"]!.GetValue<string>());

        using var free = await client.ChatAsync("quick one", model: "auto");
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Fact]
    public async Task An_expired_or_revoked_code_is_refused_and_an_update_can_extend_it_again()
    {
        var code = await gateway.CreateCodeAsync(new { plan = "plus", days = 1 });
        using var client = App.CreateClient(code);

        using (var expire = await gateway.PostJsonAsync("/adminapi/updateActivationCode", new { code, expires_at = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() }))
        {
            Assert.True((await expire.JsonAsync())["data"]!["expired"]!.GetValue<bool>());
        }

        using (var expired = await client.ChatAsync("too late"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
            Assert.Contains("expired", (await expired.JsonAsync())["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        (await gateway.PostJsonAsync("/adminapi/updateActivationCode", new { code, expires_at = "never" })).Dispose();
        using (var again = await client.ChatAsync("extended"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var revoke = await gateway.PostFormAsync("/adminapi/revokeActivationCode", ("code", code)))
        {
            Assert.Equal(1, (await revoke.JsonAsync())["code"]!.GetValue<int>());
        }

        using (var revoked = await client.ChatAsync("after revocation"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        using var twice = await gateway.PostFormAsync("/adminapi/revokeActivationCode", ("code", code));
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
    }

    [Fact]
    public async Task A_users_mirror_token_and_activation_codes_share_one_user_and_its_limit_windows()
    {
        // The user exists with a limit of one auto per hour; its mirror token takes that one use.
        var mirror = await App.MirrorTokenAsync("shared-limits-user", "codes-pool@example.com", limits: new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } });
        using (var first = await App.CreateClient(mirror).ChatAsync("first use"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var code = await gateway.CreateCodeAsync(new { user = "shared-limits-user", plan = "plus" });
        var second = await gateway.CreateCodeAsync(new { user = "shared-limits-user", plan = "plus", code = "SHARED-LIMITS-CODE-2" });

        using (var byCode = await App.CreateClient(code).ChatAsync("second use"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, byCode.StatusCode);
        }

        using (var bySecondCode = await App.CreateClient(second).ChatAsync("third use"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, bySecondCode.StatusCode);
        }

        using var list = await gateway.PostJsonAsync("/adminapi/listActivationCodes", new { user = "shared-limits-user" });
        var listed = (await list.JsonAsync())["data"]!.AsArray();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, row => Assert.Equal("shared-limits-user", row!["user"]!.GetValue<string>()));
        var text = listed.ToJsonString();
        Assert.DoesNotContain(code, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SHARED-LIMITS-CODE-2", text, StringComparison.Ordinal);
        Assert.Contains(listed, row => row!["hint"]!.GetValue<string>() == "…DE-2");
    }

    [Fact]
    public async Task A_code_with_limits_is_held_to_them()
    {
        var code = await gateway.CreateCodeAsync(new { plan = "plus", limits = new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } } });
        using var client = App.CreateClient(code);

        using var first = await client.ChatAsync("one");
        using var second = await client.ChatAsync("two");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Theory]
    [InlineData("""{"code":"mg-handmade-code"}""", 400, "generated by MirrorGate")]
    [InlineData("""{"code":"abc"}""", 400, "6 to 128")]
    [InlineData("""{"code":"with space inside"}""", 400, "visible ASCII")]
    [InlineData("""{"plan":"gold"}""", 400, "'plan'")]
    [InlineData("""{"days":3,"expires_at":"never"}""", 400, "not both")]
    [InlineData("""{"days":0}""", 400, "'days'")]
    [InlineData("""{"expires_at":"yesterday-ish"}""", 400, "'expires_at'")]
    [InlineData("""{"expires_at":1}""", 400, "in the past")]
    [InlineData("""{"limits":"not json"}""", 400, "'limits'")]
    [InlineData("""{"limits":[{"model_name":"auto","every_minute":0,"limit_count":1}]}""", 400, "every_minute")]
    [InlineData("""{"user":5}""", 400, "'user'")]
    public async Task Bad_code_requests_are_refused_with_the_reason(string json, int status, string expected)
    {
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("adminapi", SaasGateway.Secret);
        using var response = await client.PostAsync("/adminapi/createActivationCode", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, (await response.JsonAsync())["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_cannot_be_created_twice_or_updated_when_unknown()
    {
        await gateway.CreateCodeAsync(new { code = "ONLY-ONCE-CODE-01" });

        using var again = await gateway.PostFormAsync("/adminapi/createActivationCode", ("code", "ONLY-ONCE-CODE-01"), ("user", "someone-else"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        using var unknown = await gateway.PostFormAsync("/adminapi/updateActivationCode", ("code", "NEVER-CREATED-CODE"), ("plan", "pro"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, (await unknown.JsonAsync())["code"]!.GetValue<int>());
    }
}
