using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>The two stream formats, event by event.</summary>
public sealed class SimulatorStreamTests
{
    private const string Email = "carol@example.com";

    [Fact]
    public async Task Newest_stream_is_v1_delta_encoded_like_the_capture()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        var body = SimTestClient.Body("Tell me something");
        var userId = body["messages"]![0]!["id"]!.GetValue<string>();

        var sentinel = await client.NewestHandshakeAsync(bearer);
        using var response = await client.PostConversationAsync(bearer, body, sentinel, newest: true);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await SseReader.ReadAllAsync(response);

        var reply = SimReplies.For("Tell me something", 1);
        var chunks = SimReplies.Chunks(reply, 5);
        Assert.Equal(5, chunks.Count);

        // Wire shape: encoding first, three documents with c = 0, 1, 2, the first text patch naming path and op,
        // the middle ones bare, the last inside the closing patch list, [DONE] last.
        Assert.Equal(new SseEvent("delta_encoding", "\"v1\""), events[0]);
        var deltas = events.Where(e => e.Name == "delta").Select(e => JsonNode.Parse(e.Data)!.AsObject()).ToList();
        Assert.Equal([0, 1, 2], deltas.Where(d => d.ContainsKey("c")).Select(d => d["c"]!.GetValue<int>()));
        Assert.Equal("add", deltas[0]["o"]!.GetValue<string>());
        var textPatches = deltas.Skip(3).ToList();
        Assert.Equal("/message/content/parts/0", textPatches[0]["p"]!.GetValue<string>());
        Assert.Equal("append", textPatches[0]["o"]!.GetValue<string>());
        Assert.Equal(chunks[0], textPatches[0]["v"]!.GetValue<string>());
        Assert.All(textPatches.Skip(1).Take(3), p => Assert.Equal(["v"], p.Select(kv => kv.Key)));
        Assert.Equal(chunks.Skip(1).Take(3), textPatches.Skip(1).Take(3).Select(p => p["v"]!.GetValue<string>()));
        Assert.Equal("patch", textPatches[4]["o"]!.GetValue<string>());
        Assert.Equal(5, textPatches.Count);
        Assert.Equal("[DONE]", events[^1].Data);

        var decoded = V1StreamDecoder.Decode(events);
        Assert.Equal("v1", decoded.Encoding);
        Assert.True(decoded.Done);
        Assert.Equal(chunks, decoded.TextDeltas);
        var assistant = decoded.Assistant;
        Assert.Equal(reply, assistant["content"]!["parts"]![0]!.GetValue<string>());
        Assert.Equal("assistant", assistant["author"]!["role"]!.GetValue<string>());
        Assert.Equal("finished_successfully", assistant["status"]!.GetValue<string>());
        Assert.True(assistant["end_turn"]!.GetValue<bool>());
        Assert.Equal("stop", assistant["metadata"]!["finish_details"]!["type"]!.GetValue<string>());
        Assert.Equal(userId, assistant["metadata"]!["parent_id"]!.GetValue<string>());
        Assert.Equal("gpt-5-2", assistant["metadata"]!["model_slug"]!.GetValue<string>());
        Assert.Equal("system", decoded.Document(0)["message"]!["author"]!["role"]!.GetValue<string>());
        Assert.Equal(userId, decoded.Document(1)["message"]!["id"]!.GetValue<string>());

        var cid = decoded.Document(2)["conversation_id"]!.GetValue<string>();
        Assert.Equal(
            ["resume_conversation_token", "input_message", "message_marker", "server_ste_metadata", "message_stream_complete", "title_generation"],
            decoded.SideEvents.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(decoded.SideEvents, e => Assert.Equal(cid, e["conversation_id"]!.GetValue<string>()));
        Assert.Equal(assistant["id"]!.GetValue<string>(), decoded.SideEvents[2]["message_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Legacy_stream_carries_the_cumulative_message_in_every_event()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { ReplyChunks = 3 });
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        var sentinel = await client.LegacyHandshakeAsync(bearer);
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("old school"), sentinel, newest: false);
        var events = await SseReader.ReadAllAsync(response);

        Assert.All(events, e => Assert.Null(e.Name));
        Assert.Equal("[DONE]", events[^1].Data);
        var messages = events.SkipLast(1).Select(e => JsonNode.Parse(e.Data)!["message"]!).ToList();
        Assert.Equal("user", messages[0]["author"]!["role"]!.GetValue<string>());
        var reply = SimReplies.For("old school", 1);
        var chunks = SimReplies.Chunks(reply, 3);
        var texts = messages.Skip(1).Select(m => m["content"]!["parts"]![0]!.GetValue<string>()).ToList();
        Assert.Equal([chunks[0], chunks[0] + chunks[1], reply, reply], texts);
        Assert.All(messages.Skip(1).SkipLast(1), m => Assert.Equal("in_progress", m["status"]!.GetValue<string>()));
        var last = messages[^1];
        Assert.Equal("finished_successfully", last["status"]!.GetValue<string>());
        Assert.True(last["end_turn"]!.GetValue<bool>());
        Assert.Equal("stop", last["metadata"]!["finish_details"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Legacy_stream_is_delta_encoded_when_the_body_asks_for_v1()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        var sentinel = await client.LegacyHandshakeAsync(bearer);
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("delta please", v1: true), sentinel, newest: false);
        var decoded = V1StreamDecoder.Decode(await SseReader.ReadAllAsync(response));
        Assert.Equal("v1", decoded.Encoding);
        Assert.Equal(SimReplies.For("delta please", 1), decoded.Assistant["content"]!["parts"]![0]!.GetValue<string>());
        Assert.Contains(decoded.SideEvents, e => e["type"]!.GetValue<string>() == "message_stream_complete");
    }

    [Fact]
    public async Task Non_ascii_text_is_escaped_on_the_wire_and_survives_decoding()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { ReplyChunks = 7 });
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        const string Prompt = "caf\u00e9 \ud83d\ude00 \u65e5\u672c";

        var sentinel = await client.NewestHandshakeAsync(bearer);
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body(Prompt), sentinel, newest: true);
        var events = await SseReader.ReadAllAsync(response);
        Assert.DoesNotContain(events, e => e.Data.Any(c => c > 127));
        Assert.Contains(events, e => e.Data.Contains("\\u00E9", StringComparison.OrdinalIgnoreCase));
        var decoded = V1StreamDecoder.Decode(events);
        Assert.Equal(SimReplies.For(Prompt, 1), decoded.Assistant["content"]!["parts"]![0]!.GetValue<string>());
        Assert.Equal(7, decoded.TextDeltas.Count);
    }

    [Fact]
    public void Chunks_are_nearly_equal_non_empty_and_keep_surrogate_pairs_whole()
    {
        var reply = SimReplies.For("hello world", 3);
        Assert.Equal("Echo #3: hello world", reply);
        var pieces = SimReplies.Chunks(reply, 6);
        Assert.Equal(6, pieces.Count);
        Assert.Equal(reply, string.Concat(pieces));
        Assert.True(pieces.Max(p => p.Length) - pieces.Min(p => p.Length) <= 1);
        Assert.Equal(["a", "b"], SimReplies.Chunks("ab", 5));
        var emoji = SimReplies.Chunks("\ud83d\ude00\ud83d\ude01\ud83d\ude02", 2);
        Assert.Equal(["\ud83d\ude00\ud83d\ude01", "\ud83d\ude02"], emoji);
    }
}
