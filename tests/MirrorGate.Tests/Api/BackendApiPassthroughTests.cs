using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary><c>POST /backend-api/conversation</c>: the raw ChatGPT payload in, the upstream's SSE out, sentinel done by the gateway.</summary>
public sealed class BackendApiPassthroughTests
{
    private static object Payload(string prompt, string? conversationId = null, string parent = "client-created-root") => new Dictionary<string, object?>
    {
        ["action"] = "next",
        ["model"] = "auto",
        ["messages"] = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { prompt } } } },
        ["parent_message_id"] = parent,
        ["conversation_id"] = conversationId,
        ["timezone_offset_min"] = -480,
        ["history_and_training_disabled"] = false,
    };

    [Theory]
    [InlineData("Newest", "event: delta_encoding")]
    [InlineData("Legacy", "\"parts\":")]
    public async Task The_upstream_stream_is_relayed_byte_for_byte_after_the_gateway_did_the_sentinel(string flow, string marker)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ChatGpt:Flow"] = flow });
        await app.AddPooledAccountAsync("relay@example.com");
        app.Simulator.ResetCallCounts();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/backend-api/conversation", Payload("raw hello"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(marker, text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var sentinel = flow == "Newest" ? "sentinel/chat-requirements/finalize" : "sentinel/chat-requirements";
        Assert.Equal(1, app.Simulator.CallCount(sentinel, "relay@example.com"));
    }

    [Fact]
    public async Task A_relayed_conversation_can_be_continued_on_its_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("relay-a@example.com");
        await app.AddPooledAccountAsync("relay-b@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var first = await client.PostAsJsonAsync("/backend-api/conversation", Payload("opening"));
        var conversationId = System.Text.RegularExpressions.Regex.Match(await first.Content.ReadAsStringAsync(), "\"conversation_id\":\\s*\"([^\"]+)\"").Groups[1].Value;
        var stored = app.Simulator.GetConversation(conversationId)!;

        for (var i = 0; i < 4; i++)
        {
            using var next = await client.PostAsJsonAsync("/backend-api/conversation", Payload($"more {i}", conversationId, app.Simulator.GetConversation(conversationId)!.CurrentNode));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            Assert.Contains("data: [DONE]", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(5, app.Simulator.GetConversation(conversationId)!.Messages.Count(m => m.Role == "user"));
        Assert.NotNull(stored.OwnerEmail);
    }

    [Fact]
    public async Task Errors_come_back_in_the_backend_shape()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("relay-err@example.com");

        using var noAuth = await app.CreateClient().PostAsJsonAsync("/backend-api/conversation", Payload("x"));
        using var malformed = await app.CreateClient(GatewayApp.ServiceKey).PostAsync("/backend-api/conversation", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));
        using var wrongType = await app.CreateClient(GatewayApp.ServiceKey).PostAsJsonAsync("/backend-api/conversation", new { model = 42 });

        Assert.Equal(HttpStatusCode.Unauthorized, noAuth.StatusCode);
        Assert.NotNull((await noAuth.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.NotNull((await malformed.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(0, app.Simulator.CallCount("f/conversation"));
    }
}
