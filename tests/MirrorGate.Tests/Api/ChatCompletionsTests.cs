using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using OpenAI.Chat;

namespace MirrorGate.Tests.Api;

/// <summary>Chat completions through the gateway to the simulator, with the official OpenAI .NET client.</summary>
public sealed class ChatCompletionsTests
{
    public static TheoryData<string, string> Flows => new()
    {
        // flow, the upstream endpoint that must have served the turn
        { "Newest", "f/conversation" },
        { "Legacy", "conversation" },
    };

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task A_whole_answer_comes_back_as_a_chat_completion(string flow, string upstreamEndpoint)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ChatGpt:Flow"] = flow });
        await app.AddPooledAccountAsync("whole@example.com");

        ChatCompletion completion = await app.OpenAiChat("auto").CompleteChatAsync(new UserChatMessage("Say this is a test!"));

        Assert.Equal(SimReplies.For("Say this is a test!", 1), completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("auto", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.Equal(1, app.Simulator.CallCount(upstreamEndpoint, "whole@example.com"));
    }

    [Theory]
    [InlineData("Newest", false)]
    [InlineData("Legacy", false)]
    [InlineData("Legacy", true)]
    public async Task A_streamed_answer_arrives_in_chunks_whatever_the_upstream_encoding(string flow, bool legacyDeltaEncoding)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["ChatGpt:Flow"] = flow,
            ["ChatGpt:LegacyDeltaEncoding"] = legacyDeltaEncoding.ToString(),
        }, new SimulatorOptions { ReplyChunks = 20 });
        await app.AddPooledAccountAsync("stream@example.com");
        var prompt = "Tell me a story about a gateway that never drops a byte.";

        var text = new StringBuilder();
        var contentUpdates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in app.OpenAiChat("auto").CompleteChatStreamingAsync(new UserChatMessage(prompt)))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                contentUpdates += part.Text.Length > 0 ? 1 : 0;
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(SimReplies.For(prompt, 1), text.ToString());
        Assert.Equal(20, contentUpdates);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task A_raw_stream_has_the_openai_chunk_shape_and_ends_with_done()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("raw@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "auto", stream = true, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = "hello" } } }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var sse = await SseRead.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.True(sse.SawDone);
        Assert.Null(sse.Failure);
        Assert.All(sse.Events, e => Assert.Equal("chat.completion.chunk", e["object"]!.GetValue<string>()));
        Assert.Single(sse.Events.Select(e => e["id"]!.GetValue<string>()).Distinct());
        Assert.Equal("assistant", sse.Events[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        var finish = sse.Events.Single(e => e["choices"] is JsonArray { Count: > 0 } c && c[0]!["finish_reason"] is not null);
        Assert.Equal("stop", finish["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.NotNull(finish["conversation_id"]);
        var usage = sse.Events[^1];
        Assert.Empty(usage["choices"]!.AsArray());
        Assert.True(usage["usage"]!["total_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(SimReplies.For("hello", 1), sse.Text);
    }

    [Fact]
    public async Task Models_lists_the_catalog_in_openai_shape()
    {
        await using var app = await GatewayApp.StartAsync();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        var models = await client.GetFromJsonAsync<JsonObject>("/v1/models");

        Assert.Equal("list", models!["object"]!.GetValue<string>());
        var ids = models["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("auto", ids);
        Assert.Contains("gpt-4o", ids);
        Assert.All(models["data"]!.AsArray(), m => Assert.Equal("model", m!["object"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_conversation_id_comes_back_and_continues_the_same_conversation()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("continue@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        var first = await (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "auto", messages = new[] { new { role = "user", content = "first" } } })).Content.ReadFromJsonAsync<JsonObject>();
        var conversationId = first!["conversation_id"]!.GetValue<string>();
        var second = await (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "auto", conversation_id = conversationId, messages = new[] { new { role = "user", content = "second" } } })).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(SimReplies.For("second", 2), second!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(conversationId, second["conversation_id"]!.GetValue<string>());
        Assert.Equal(4, app.Simulator.GetConversation(conversationId)!.Messages.Count(m => m.Role is "user" or "assistant"));
    }

    [Fact]
    public async Task A_slow_upstream_answer_reaches_the_client_piece_by_piece_not_at_the_end()
    {
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { ReplyChunks = 5 });
        await app.AddPooledAccountAsync("slow@example.com");
        app.Simulator.InjectFault("slow@example.com", new SimFault(SimFaultKind.SlowStream, ChunkDelay: TimeSpan.FromMilliseconds(400)));
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await client.ChatAsync("take your time", stream: true);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        TimeSpan? firstText = null;
        while (await reader.ReadLineAsync() is { } line && line != "data: [DONE]")
        {
            if (firstText is null && line.Contains("\"content\":\"E", StringComparison.Ordinal))
            {
                firstText = clock.Elapsed;
            }
        }

        // Five pieces 400 ms apart: text held back to the end would arrive after about 2 s.
        Assert.NotNull(firstText);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1600), $"the upstream was not slow: {clock.Elapsed}");
        Assert.True(firstText < clock.Elapsed - TimeSpan.FromMilliseconds(1000), $"first text at {firstText}, end at {clock.Elapsed}");
    }
}
