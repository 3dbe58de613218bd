using System.Text.Json;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Streaming;
using MirrorGate.Upstream.ChatGpt.Streaming.Delta;

namespace MirrorGate.Tests.Upstream;

public sealed class DeltaDecoderTests
{
    [Fact]
    public void Research_sample_decodes_to_ids_new_text_only_and_one_finish()
    {
        var (events, decoder) = DecoderHarness.Decode(DecoderHarness.ResearchSample);

        Assert.Equal(StreamEncoding.V1, decoder.Encoding);
        Assert.True(decoder.SawStreamComplete);
        Assert.Equal(
            [
                new ConversationIdentified("conv-1", null),
                new ConversationIdentified("conv-1", "asst-1"),
                new AssistantTextDelta("Here\u2019s"),
                new AssistantTextDelta(" a list"),   // bare {"v":…} reused p and o
                new AssistantTextDelta(":"),
                new AssistantTextDelta(" one, two."),
                new AssistantTurnFinished("stop"),
            ],
            events);
    }

    [Fact]
    public void Patch_list_and_metadata_append_merge_into_the_document()
    {
        var delta = new DeltaDecoder();
        Apply(delta, """{"v":{"message":{"id":"a","metadata":{"model_slug":"gpt-5-2"},"content":{"parts":[""]}},"conversation_id":"c"},"c":2}""");
        Apply(delta, """{"p":"","o":"patch","v":[{"p":"/message/status","o":"replace","v":"finished_successfully"},{"p":"/message/metadata","o":"append","v":{"finish_details":{"type":"stop"}}}]}""");

        var message = Message(delta);
        Assert.Equal("finished_successfully", message.GetString("status"));
        var metadata = message.GetObject("metadata")!;
        Assert.Equal("gpt-5-2", metadata.GetString("model_slug"));     // merged, not replaced
        Assert.Equal("stop", metadata.GetObject("finish_details")!.GetString("type"));
        Assert.Equal(2, delta.Counter);
    }

    [Fact]
    public void Sticky_path_and_operation_survive_a_patch_list_and_a_new_document_does_not_reset_them()
    {
        var delta = new DeltaDecoder();
        Apply(delta, """{"v":{"message":{"content":{"parts":["x"]}}}}""");
        Apply(delta, """{"p":"/message/content/parts/0","o":"append","v":"1"}""");
        Apply(delta, """{"v":"2"}""");
        Assert.Equal("x12", Part0(delta));

        // A new document (second assistant message): the bare value still appends to the same path.
        Apply(delta, """{"v":{"message":{"content":{"parts":["y"]}}},"c":3}""");
        Apply(delta, """{"v":"3"}""");
        Assert.Equal("y3", Part0(delta));
        Assert.Equal(3, delta.Counter);

        // Only "p" given: the last operation is reused.
        Apply(delta, """{"p":"/message/status","v":"-"}""");
        Assert.Equal("-", Message(delta).GetString("status"));
    }

    [Fact]
    public void Replace_add_remove_and_truncate_follow_json_pointer_semantics()
    {
        var delta = new DeltaDecoder();
        Apply(delta, """{"v":{"message":{"content":{"parts":["abcdef"]},"tags":["a","b"],"a~b":{"c/d":1}}}}""");
        Apply(delta, """{"p":"/message/content/parts/0","o":"truncate","v":3}""");
        Apply(delta, """{"p":"/message/tags/1","o":"add","v":"z"}""");
        Apply(delta, """{"p":"/message/tags/-","o":"add","v":"end"}""");
        Apply(delta, """{"p":"/message/tags/0","o":"remove"}""");
        Apply(delta, """{"p":"/message/a~0b/c~1d","o":"replace","v":2}""");
        Apply(delta, """{"p":"/message/new/deep","o":"add","v":true}""");

        var message = Message(delta);
        Assert.Equal("abc", Part0(delta));
        Assert.Equal(["z", "b", "end"], ((DeltaArray)message.Get("tags")!).Items.Select(i => ((DeltaText)i!).Value));
        Assert.Equal("2", ((DeltaScalar)message.GetObject("a~b")!.Get("c/d")!).Raw);
        Assert.True(message.GetObject("new")!.GetBoolean("deep"));
    }

    [Fact]
    public void Appending_an_array_to_an_array_concatenates()
    {
        var delta = new DeltaDecoder();
        Apply(delta, """{"v":{"message":{"content":{"parts":["a"]}}}}""");
        Apply(delta, """{"p":"/message/content/parts","o":"append","v":["b","c"]}""");

        Assert.Equal(3, ((DeltaArray)Message(delta).GetObject("content")!.Get("parts")!).Items.Count);
    }

    [Fact]
    public void A_second_assistant_document_gets_its_own_id_text_and_finish()
    {
        var sse = """
            event: delta_encoding
            data: "v1"

            data: {"v":{"message":{"id":"a1","author":{"role":"assistant"},"content":{"content_type":"text","parts":[""]},"status":"in_progress","recipient":"all","channel":null},"conversation_id":"c"},"c":2}

            data: {"p":"/message/content/parts/0","o":"append","v":"Let me check."}

            data: {"p":"","o":"patch","v":[{"p":"/message/status","o":"replace","v":"finished_successfully"},{"p":"/message/end_turn","o":"replace","v":false},{"p":"/message/metadata","o":"append","v":{"finish_details":{"type":"stop"}}}]}

            data: {"v":{"message":{"id":"t1","author":{"role":"tool","name":"python"},"content":{"content_type":"text","parts":["42"]},"status":"finished_successfully","recipient":"all"},"conversation_id":"c"},"c":3}

            data: {"v":{"message":{"id":"a2","author":{"role":"assistant"},"content":{"content_type":"text","parts":["It"]},"status":"in_progress","recipient":"all","channel":"final"},"conversation_id":"c"},"c":4}

            data: {"p":"/message/content/parts/0","o":"append","v":" is 42."}

            data: {"p":"","o":"patch","v":[{"p":"/message/status","o":"replace","v":"finished_successfully"},{"p":"/message/end_turn","o":"replace","v":true},{"p":"/message/metadata","o":"append","v":{"finish_details":{"type":"stop"}}}]}

            data: [DONE]


            """;

        var (events, _) = DecoderHarness.Decode(sse);

        Assert.Equal(
            [
                new ConversationIdentified("c", null),
                new ConversationIdentified("c", "a1"),
                new AssistantTextDelta("Let me check."),
                new ConversationIdentified("c", "a2"),
                new AssistantTextDelta("It"),
                new AssistantTextDelta(" is 42."),
                new AssistantTurnFinished("stop"),
            ],
            events);
    }

    [Fact]
    public void Thinking_channel_and_tool_calls_are_not_visible_text()
    {
        var sse = """
            data: "v1"

            data: {"v":{"message":{"id":"r1","author":{"role":"assistant"},"content":{"content_type":"text","parts":["hmm"]},"recipient":"all","channel":"analysis"},"conversation_id":"c"},"c":2}

            data: {"p":"/message/content/parts/0","o":"append","v":" thinking"}

            data: {"v":{"message":{"id":"k1","author":{"role":"assistant"},"content":{"content_type":"code","text":"print(1)"},"recipient":"python"},"conversation_id":"c"},"c":3}

            data: {"v":{"message":{"id":"f1","author":{"role":"assistant"},"content":{"content_type":"text","parts":["Answer"]},"recipient":"all","channel":"final","status":"finished_successfully","end_turn":true,"metadata":{"finish_details":{"type":"max_tokens"}}},"conversation_id":"c"},"c":4}

            data: [DONE]


            """;

        var (events, _) = DecoderHarness.Decode(sse);

        Assert.Equal("Answer", DecoderHarness.Text(events));
        Assert.Equal(new AssistantTurnFinished("max_tokens"), events[^1]);
    }

    [Fact]
    public void An_error_set_in_the_envelope_breaks_the_stream()
    {
        var sse = """
            data: "v1"

            data: {"v":{"message":{"id":"a","author":{"role":"assistant"},"content":{"content_type":"text","parts":[""]},"recipient":"all"},"conversation_id":"c","error":null},"c":2}

            data: {"p":"/error","o":"replace","v":"Something went wrong"}


            """;

        var broken = Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode(sse, complete: false));
        Assert.Equal("Something went wrong", broken.UpstreamError);
    }

    [Fact]
    public void A_stream_that_stops_mid_turn_is_broken_even_with_done()
    {
        var truncated = DecoderHarness.ResearchSample[..DecoderHarness.ResearchSample.IndexOf("data: {\"type\":\"title_generation\"", StringComparison.Ordinal)] + "data: [DONE]\n\n";

        Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode(truncated));
    }

    [Fact]
    public void A_finished_turn_without_done_is_broken()
    {
        var withoutDone = DecoderHarness.ResearchSample.Replace("data: [DONE]", string.Empty, StringComparison.Ordinal);

        Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode(withoutDone));
    }

    private static void Apply(DeltaDecoder delta, string json)
    {
        using var document = JsonDocument.Parse(json);
        delta.Apply(document.RootElement);
    }

    private static DeltaObject Message(DeltaDecoder delta) => ((DeltaObject)delta.Document.Root!).GetObject("message")!;

    private static string Part0(DeltaDecoder delta) =>
        ((DeltaText)((DeltaArray)Message(delta).GetObject("content")!.Get("parts")!).Items[0]!).Value;
}
