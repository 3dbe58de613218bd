using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using OpenAI.Chat;

namespace MirrorGate.Tests.Api;

/// <summary>
/// The seeds' flat environment switches (<c>STREAM_MODE</c>, <c>ENABLE_MIRROR_API</c>,
/// <c>MIRROR_API_PREFIX</c>, <c>API_HATD</c>, <c>Authorization</c>) change what the HTTP surface does.
/// </summary>
public sealed class EnvironmentSwitchTests
{
    [Theory]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("F", false)]
    [InlineData("true", true)]
    [InlineData("not-a-boolean", true)]
    public async Task STREAM_MODE_false_answers_a_stream_request_as_one_chat_completion(string streamMode, bool streams)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["STREAM_MODE"] = streamMode });
        await app.AddPooledAccountAsync("stream-mode@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.ChatAsync("whole or in pieces?", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (streams)
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var sse = await SseRead.ReadAsync(response);
            Assert.True(sse.SawDone);
            Assert.Equal(SimReplies.For("whole or in pieces?", 1), sse.Text);
            return;
        }

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var completion = await response.JsonAsync();
        Assert.Equal("chat.completion", completion["object"]!.GetValue<string>());
        Assert.Equal(SimReplies.For("whole or in pieces?", 1), completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.True(completion["usage"]!["total_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation));
    }

    [Fact]
    public async Task ENABLE_MIRROR_API_false_closes_v1_with_403_while_the_admin_set_still_works()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ENABLE_MIRROR_API"] = "false" });

        // The admin set imports accounts and hands out mirror tokens as usual…
        await app.AddPooledAccountAsync("closed@example.com");
        var mirrorToken = await app.MirrorTokenAsync("closed-user", "closed@example.com");
        app.Simulator.ResetCallCounts();

        // …but no key opens /v1.
        foreach (var bearer in new[] { GatewayApp.ServiceKey, mirrorToken, "not-a-key" })
        {
            using var client = app.CreateClient(bearer);
            using var chat = await client.ChatAsync("is anyone there?");
            using var models = await client.GetAsync("/v1/models");

            await AssertMirrorApiDisabledAsync(chat);
            await AssertMirrorApiDisabledAsync(models);
        }

        Assert.Equal(0, app.Simulator.CallCount(SimEndpoints.FConversation));
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var counts = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "closed-user" } });
        Assert.Equal(HttpStatusCode.OK, counts.StatusCode);
        Assert.Equal(0, (await counts.JsonAsync())["closed-user"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("/secret/")]
    public async Task MIRROR_API_PREFIX_moves_v1_under_the_prefix(string prefix)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["MIRROR_API_PREFIX"] = prefix });
        await app.AddPooledAccountAsync("prefixed@example.com");

        ChatCompletion completion = await app.OpenAiChat("auto", prefix: "/secret/v1").CompleteChatAsync(new UserChatMessage("through the prefix"));

        Assert.Equal(SimReplies.For("through the prefix", 1), completion.Content[0].Text);
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        using var unprefixed = await client.ChatAsync("without the prefix");
        using var unprefixedModels = await client.GetAsync("/v1/models");
        using var prefixedModels = await client.GetAsync("/secret/v1/models");
        Assert.Equal(HttpStatusCode.NotFound, unprefixed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unprefixedModels.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prefixedModels.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation));
    }

    [Fact]
    public async Task MIRROR_API_PREFIX_leaves_the_admin_set_reachable_with_and_without_the_prefix()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["MIRROR_API_PREFIX"] = "secret" });
        var account = app.Simulator.AddAccount("prefixed-admin@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var prefixed = await admin.PostAsJsonAsync("/secret/api/get-user-info", new { chatgpt_token = account.RefreshToken });
        using var plain = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "anyone" } });
        using var unguarded = await app.CreateClient().PostAsJsonAsync("/secret/api/get-user-use-count", new { username_list = new[] { "anyone" } });
        using var link = await app.CreateClient().GetAsync("/secret/api/not-login?user_gateway_token=mg-unknown");

        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Equal(account.Email, (await prefixed.JsonAsync())["user_info"]!["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unguarded.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, link.StatusCode);
    }

    public static TheoryData<string?, bool?, bool> HatdCases => new()
    {
        // API_HATD, the request's hatd, whether the chat is temporary
        { null, null, false },
        { "true", null, true },
        { "true", false, false },
        { "false", true, true },
    };

    [Theory]
    [MemberData(nameof(HatdCases))]
    public async Task API_HATD_makes_chats_temporary_unless_the_request_says_otherwise(string? apiHatd, bool? hatd, bool temporary)
    {
        await using var recorder = await UpstreamRecorder.StartAsync();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["API_HATD"] = apiHatd,
            ["ChatGpt:BackendBaseUrl"] = recorder.BaseUrl.ToString(),
        });
        recorder.Target = app.Simulator.BaseUrl;
        await app.AddPooledAccountAsync("hatd@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var whole = await client.ChatAsync("remember me?", hatd: hatd);
        using var streamed = await client.ChatAsync("and me?", stream: true, hatd: hatd);
        var completion = await whole.JsonAsync();
        var sse = await SseRead.ReadAsync(streamed);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(SimReplies.For("remember me?", 1), completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.True(sse.SawDone);
        var sent = recorder.Conversations;
        Assert.Equal(2, sent.Count);
        Assert.All(sent, c => Assert.Equal(temporary, c.Body["history_and_training_disabled"]!.GetValue<bool>()));
        var upstreamIds = sent.Select(c => c.ConversationId).ToList();
        Assert.All(upstreamIds, Assert.NotNull);
        var returnedIds = new[]
        {
            completion["conversation_id"]?.GetValue<string>(),
            sse.Events.Select(e => e["conversation_id"]?.GetValue<string>()).LastOrDefault(id => id is not null),
        };
        if (temporary)
        {
            Assert.All(upstreamIds, id => Assert.Null(app.Simulator.GetConversation(id!)));
            Assert.All(returnedIds, Assert.Null);
            Assert.False(completion.ContainsKey("message_id"));
        }
        else
        {
            Assert.Equal(upstreamIds, returnedIds);
            Assert.All(upstreamIds, id => Assert.Equal(2, app.Simulator.GetConversation(id!)!.Messages.Count(m => m.Role is "user" or "assistant")));
        }
    }

    [Fact]
    public async Task The_flat_Authorization_name_sets_the_service_key_and_wins_over_the_section()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Authorization"] = "key-from-the-environment" });
        var account = await app.AddPooledAccountAsync("env-key@example.com");

        using var pooled = await app.CreateClient("key-from-the-environment").ChatAsync("with the env key");
        using var ownToken = await app.CreateClient("key-from-the-environment " + account.AccessToken).ChatAsync("with my own token");
        using var sectionKey = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("with the section key");
        using var bareToken = await app.CreateClient(account.AccessToken).ChatAsync("with a bare token");

        Assert.Equal(HttpStatusCode.OK, pooled.StatusCode);
        Assert.Equal(SimReplies.For("with the env key", 1), await pooled.ContentAsync());
        Assert.Equal(HttpStatusCode.OK, ownToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sectionKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bareToken.StatusCode);
        Assert.Equal(2, app.Simulator.CallCount(SimEndpoints.FConversation, account.Email));

        ChatCompletion completion = await app.OpenAiChat("auto", apiKey: "key-from-the-environment").CompleteChatAsync(new UserChatMessage("with the OpenAI client"));
        Assert.Equal(SimReplies.For("with the OpenAI client", 1), completion.Content[0].Text);
    }

    private static async Task AssertMirrorApiDisabledAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("mirror_api_disabled", error["code"]!.GetValue<string>());
        Assert.Equal("permission_error", error["type"]!.GetValue<string>());
        Assert.Contains("ENABLE_MIRROR_API", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
