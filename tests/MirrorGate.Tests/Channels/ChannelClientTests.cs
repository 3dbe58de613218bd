using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace MirrorGate.Tests.Channels;

/// <summary>Official client libraries (.NET and npm) against channels, through a real socket; pass-through and the model mapping.</summary>
public sealed class ChannelClientTests(ChannelGateway gateway) : IClassFixture<ChannelGateway>
{
    private OpenAIClientOptions Options => new()
    {
        Endpoint = new Uri(gateway.App.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(gateway.App.CreateClient()),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    [Fact]
    public async Task The_dotnet_library_chats_whole_and_streamed_through_a_channel()
    {
        await gateway.AddChannelAsync("dotnet-chat", ["sk-dotnet-chat-0001"], ["dn-chat"]);
        var client = new ChatClient("dn-chat", new ApiKeyCredential(GatewayApp.ServiceKey), Options);

        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("Say this is a test")]);
        Assert.StartsWith("This is a test", whole.Content[0].Text, StringComparison.Ordinal);
        Assert.True(whole.Usage.InputTokenCount > 0);

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Stream it")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.StartsWith("This is a test", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, gateway.Sim.Calls("sk-dotnet-chat-0001").Count);
        if (usage is not null)
        {
            // The library asked for usage itself: it gets the upstream's numbers.
            Assert.Equal(gateway.Sim.Options.ReplyChunks, usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task The_dotnet_library_embeds_through_a_channel()
    {
        await gateway.AddChannelAsync("dotnet-embed", ["sk-dotnet-embed-0001"], ["dn-embedding"]);
        var client = new EmbeddingClient("dn-embedding", new ApiKeyCredential(GatewayApp.ServiceKey), Options);

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["one", "two"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(gateway.Sim.Options.EmbeddingDimensions, embeddings[0].ToFloats().Length);
        Assert.Equal("/v1/embeddings", Assert.Single(gateway.Sim.Calls("sk-dotnet-embed-0001")).Path);
    }

    [Fact]
    public async Task The_dotnet_library_creates_responses_whole_and_streamed_through_a_channel()
    {
        await gateway.AddChannelAsync("dotnet-resp", ["sk-dotnet-resp-0001"], ["dn-resp"]);
#pragma warning disable OPENAI001 // the Responses client is marked experimental
        var client = new OpenAIClient(new ApiKeyCredential(GatewayApp.ServiceKey), Options).GetResponsesClient();
        var whole = await client.CreateResponseAsync("dn-resp", "Say this is a test");
        Assert.StartsWith("This is a test", whole.Value.GetOutputText(), StringComparison.Ordinal);

        var text = new StringBuilder();
        var completed = false;
        await foreach (var update in await client.CreateResponseStreamingAsync("dn-resp", "Stream it"))
        {
            if (update is OpenAI.Responses.StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            completed |= update is OpenAI.Responses.StreamingResponseCompletedUpdate;
        }
#pragma warning restore OPENAI001

        Assert.True(completed);
        Assert.StartsWith("This is a test", text.ToString(), StringComparison.Ordinal);
        var before = gateway.Usage.Count(r => r.Model == "dn-resp");
        Assert.Equal(2, before);
    }

    [Fact]
    public async Task Legacy_completions_are_relayed_whole_and_streamed()
    {
        await gateway.AddChannelAsync("legacy", ["sk-legacy-0001"], ["legacy-instruct"]);
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);

        var whole = await client.PostAsJsonAsync("/v1/completions", new { model = "legacy-instruct", prompt = "Say this is a test" });
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("text_completion", JsonNode.Parse(await whole.Content.ReadAsStringAsync())!["object"]!.GetValue<string>());

        var streamed = await client.PostAsJsonAsync("/v1/completions", new { model = "legacy-instruct", prompt = "Stream it", stream = true });
        var events = await streamed.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", events, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\"", events, StringComparison.Ordinal);
        Assert.Equal(2, gateway.Usage.Count(r => r.Model == "legacy-instruct"));
    }

    [Fact]
    public async Task The_model_mapping_renames_only_the_model_and_the_stream_usage_chunk_is_asked_for_and_removed()
    {
        await gateway.AddChannelAsync("mapped", ["sk-mapped-0001"], ["house-model"], mapping: new Dictionary<string, string> { ["house-model"] = "upstream-model-2025" });
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        const string body = "{\"model\":\"house-model\",\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9llo \\u00e9\"}],\"temperature\":0.25,\"stream\":true,\"user\":\"u-1\",\"metadata\":{\"a\":[1,2,{\"b\":null}]}}";

        var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var events = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The chunks keep the upstream's "usage": null (as OpenAI sends them once usage is asked for); the usage chunk is gone.
        Assert.DoesNotContain("\"usage\":{", events, StringComparison.Ordinal);
        Assert.Contains("This is a test", string.Concat(events.Split("\"content\":\"").Skip(1).Select(p => p[..p.IndexOf('"', StringComparison.Ordinal)])), StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", events, StringComparison.Ordinal);
        var sent = Assert.Single(gateway.Sim.Calls("sk-mapped-0001"));
        Assert.Equal("upstream-model-2025", sent.Model);

        // Byte for byte the caller's body, but for the model's value and the usage request the gateway added.
        var expected = body.Replace("\"model\":\"house-model\"", "\"model\":\"upstream-model-2025\"", StringComparison.Ordinal)
            .Replace("{\"model\"", "{\"stream_options\":{\"include_usage\":true},\"model\"", StringComparison.Ordinal);
        Assert.Equal(expected, sent.Body);

        // Recorded under the model the caller asked for, with the upstream's own token counts.
        var record = Assert.Single(gateway.Usage, r => r.Model == "house-model");
        Assert.Equal(gateway.Sim.Options.ReplyChunks, record.CompletionTokens);
        Assert.Equal("ch:mapped:0", record.AccountId);
    }

    [Fact]
    public async Task A_caller_that_asks_for_usage_keeps_its_usage_chunk_and_the_body_is_unchanged()
    {
        await gateway.AddChannelAsync("asked", ["sk-asked-0001"], ["asked-model"]);
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        const string body = "{\"model\":\"asked-model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        var events = await (await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();

        Assert.Contains("\"choices\":[],\"usage\":{", events, StringComparison.Ordinal);
        Assert.Equal(body, Assert.Single(gateway.Sim.Calls("sk-asked-0001")).Body);
    }

    [Fact]
    public async Task Models_list_the_union_of_the_account_catalog_and_the_channels()
    {
        await gateway.AddChannelAsync("listed", ["sk-listed-0001"], ["listed-model-a", "listed-model-b"]);
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);

        var ids = JsonNode.Parse(await client.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();

        Assert.Contains("listed-model-a", ids);
        Assert.Contains("listed-model-b", ids);
        Assert.Contains("auto", ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Unknown_models_and_bad_bodies_answer_in_OpenAI_shape_without_a_5xx()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);

        var unknown = await client.PostAsJsonAsync("/v1/embeddings", new { model = "no-such-model", input = "x" });
        var broken = await client.PostAsync("/v1/responses", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));
        var noModel = await client.PostAsync("/v1/completions", new StringContent("{\"prompt\":\"x\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.NotNull(JsonNode.Parse(await broken.Content.ReadAsStringAsync())!["error"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, noModel.StatusCode);
    }

    [Fact]
    public async Task The_npm_openai_package_chats_whole_and_streamed_through_a_channel()
    {
        await gateway.AddChannelAsync("node", ["sk-node-0001"], ["node-model"]);
        var seen = await NpmOpenAi.RunAsync("channels.mjs", new Uri(gateway.App.BaseAddress, "/v1").ToString(), GatewayApp.ServiceKey, "node-model");
        Assert.StartsWith("This is a test", seen["whole"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(seen["wholeUsage"]!["total_tokens"]!.GetValue<int>() > 0);
        Assert.StartsWith("This is a test", seen["streamed"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, seen["usageChunks"]!.GetValue<int>());
        Assert.Equal(gateway.Sim.Options.ReplyChunks, seen["withUsage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Contains("node-model", seen["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(3, gateway.Usage.Count(r => r.Model == "node-model"));
    }
}
