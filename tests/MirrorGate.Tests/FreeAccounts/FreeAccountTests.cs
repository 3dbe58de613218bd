using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.FreeAccounts;

/// <summary>Aurora's free device ids (<c>FREE_ACCOUNTS</c>, <c>FREE_ACCOUNTS_NUM</c>, <c>free_tokens.txt</c>): the anonymous path, its model limit, and no login-only calls.</summary>
public sealed class FreeAccountTests
{
    private static Dictionary<string, string?> Generated => new() { ["FREE_ACCOUNTS"] = "true", ["FREE_ACCOUNTS_NUM"] = "3" };

    [Fact]
    public async Task With_FREE_ACCOUNTS_and_no_logged_in_account_the_pool_chats_on_the_anonymous_path()
    {
        await using var app = await GatewayApp.StartAsync(Generated);
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.ChatAsync($"anonymous {i}", model: "gpt-4o-mini");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(string.IsNullOrEmpty(await response.ContentAsync()));
        }

        // Every call went out without a login: the simulator attributes none of them to an account.
        Assert.Equal(4, app.Simulator.CallCount("f/conversation"));
        Assert.Equal(4, app.Simulator.CallCount("sentinel/chat-requirements/prepare"));
    }

    [Fact]
    public async Task Free_ids_serve_only_free_plan_models_and_never_login_only_calls()
    {
        await using var app = await GatewayApp.StartAsync(Generated);
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var plusModel = await client.ChatAsync("needs plus", model: "gpt-4o");
        using var speech = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "needs a login", voice = "alloy" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, plusModel.StatusCode);
        Assert.Equal("no_available_account", (await plusModel.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, speech.StatusCode);
        Assert.Equal(0, app.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task Logged_in_accounts_come_first_and_free_ids_are_only_the_fallback()
    {
        await using var app = await GatewayApp.StartAsync(Generated);
        await app.AddPooledAccountAsync("first@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.ChatAsync($"logged in {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, app.Simulator.CallCount("f/conversation", "first@example.com"));
        Assert.Equal(3, app.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task Without_FREE_ACCOUNTS_the_pool_has_no_fallback_until_free_tokens_txt_names_a_device()
    {
        using var folder = new TempDirectory();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["TokenFiles:Enabled"] = "true",
            ["TokenFiles:Directory"] = folder.Path,
            ["FreeAccounts:FileCheckInterval"] = "00:00:00.050",
        });
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var before = await client.ChatAsync("nobody to serve");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);

        await File.WriteAllLinesAsync(Path.Combine(folder.Path, "free_tokens.txt"), ["# free devices", "not-a-uuid", Guid.NewGuid().ToString(), ""]);
        await Task.Delay(200);
        using var after = await client.ChatAsync("served by the file's device");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task An_anonymous_device_the_upstream_refuses_gives_a_clear_error_not_a_5xx_crash()
    {
        await using var app = await GatewayApp.StartAsync(Generated);
        app.Simulator.Options.AllowAnonymous = false;
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.ChatAsync("anonymous chat is off upstream");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["error"]!["message"]);
    }
}
