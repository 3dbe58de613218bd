using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Http;

namespace MirrorGate.Bench.Micro;

/// <summary>
/// The CPU work the gateway does per turn that the direct client does not: translating the OpenAI body into the
/// upstream body, and encoding the answer (20 SSE chunks, or one JSON object). Upstream calls are not here.
/// </summary>
[MemoryDiagnoser]
public class GatewayPathBenchmarks
{
    private static readonly string[] Chunks = [.. UpstreamSim.SimReplies.Chunks(Scenario.ExpectedReply, 20)];
    private byte[] _openAiBody = [];
    private ModelCatalog _models = null!;
    private ChatGptRequestBuilder _builder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _openAiBody = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["model"] = "auto",
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Scenario.Prompt }),
        }.ToJsonString());
        _models = new ModelCatalog(Options.Create(new ModelCatalogOptions()));
        _builder = new ChatGptRequestBuilder(new FixedOptionsMonitor<ChatGptOptions>(new ChatGptOptions()), TimeProvider.System);
    }

    /// <summary>OpenAI body bytes → JsonNode → validated request → upstream JsonObject → f/conversation body bytes.</summary>
    [Benchmark]
    public int TranslateRequest()
    {
        var body = JsonNode.Parse(_openAiBody)!.AsObject();
        var (request, _) = ChatCompletionRequest.Parse(body, _models);
        var upstream = _builder.Build(request!, null, temporary: false);
        return ConversationBodies.Newest(upstream).Length;
    }

    /// <summary>The streamed answer: role chunk, 20 content chunks, finish chunk and [DONE], each flushed.</summary>
    [Benchmark]
    public async Task<long> EncodeStream20Chunks()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = Stream.Null;
        using (var writer = new ChatCompletionStreamWriter(context.Response, "chatcmpl-0123456789abcdefghijklmnopqrs", 1_700_000_000, "auto"))
        {
            await writer.StartAsync(CancellationToken.None);
            foreach (var chunk in Chunks)
            {
                // Worst case for the gateway: every chunk sent on its own, as with a slow upstream.
                writer.WriteContent(chunk);
                await writer.FlushAsync(CancellationToken.None);
            }

            await writer.WriteFinishAsync("stop", "conv-1", "msg-1", CancellationToken.None);
            await writer.WriteDoneAsync(CancellationToken.None);
        }

        return context.Response.ContentLength ?? 0;
    }

    /// <summary>The whole answer: one chat.completion object.</summary>
    [Benchmark]
    public async Task<long> EncodeWholeAnswer()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = Stream.Null;
        await ChatCompletionJson.WriteAsync(context.Response, "chatcmpl-0123456789abcdefghijklmnopqrs", 1_700_000_000, "auto", Scenario.ExpectedReply, "stop", 40, 48, "conv-1", "msg-1", CancellationToken.None);
        return context.Response.ContentLength ?? 0;
    }

    /// <summary>Token estimates and the completion id, done once per turn.</summary>
    [Benchmark]
    public int IdsAndTokenEstimate() =>
        ChatCompletionIds.New().Length + TokenEstimator.CountPrompt([new ChatMessage("user", Scenario.Prompt)]) + TokenEstimator.Count(Scenario.ExpectedReply);

    private sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
