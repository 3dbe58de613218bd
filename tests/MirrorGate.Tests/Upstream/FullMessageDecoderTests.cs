using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Streaming;

namespace MirrorGate.Tests.Upstream;

public sealed class FullMessageDecoderTests
{
    [Fact]
    public void Cumulative_text_becomes_suffix_deltas_and_the_echo_is_skipped()
    {
        var sse = Event(Message("u1", "user", "Hi", "finished_successfully"))
            + Event(Message("a1", "assistant", "Hel", "in_progress"))
            + Event(Message("a1", "assistant", "Hello", "in_progress"))
            + Event(Message("a1", "assistant", "Hello", "in_progress"))
            + Event(Message("a1", "assistant", "Hello, world", "finished_successfully", endTurn: "true", finish: "stop"))
            + Event(Message("a1", "assistant", "Hello, world", "finished_successfully", endTurn: "true", finish: "stop"))
            + "data: [DONE]\n\n";

        var (events, decoder) = DecoderHarness.Decode(sse);

        Assert.Equal(StreamEncoding.FullMessage, decoder.Encoding);
        Assert.Equal(
            [
                new ConversationIdentified("conv-9", null),
                new ConversationIdentified("conv-9", "a1"),
                new AssistantTextDelta("Hel"),
                new AssistantTextDelta("lo"),
                new AssistantTextDelta(", world"),
                new AssistantTurnFinished("stop"),
            ],
            events);
    }

    [Fact]
    public void Max_tokens_finishes_even_without_end_turn()
    {
        var sse = Event(Message("a1", "assistant", "Long", "finished_partial_completion", endTurn: "false", finish: "max_tokens"))
            + "data: [DONE]\n\n";

        var (events, _) = DecoderHarness.Decode(sse);

        Assert.Equal(new AssistantTurnFinished("max_tokens"), events[^1]);
    }

    [Fact]
    public void A_stop_without_end_turn_is_an_intermediate_step_and_the_stream_is_then_broken()
    {
        var sse = Event(Message("a1", "assistant", "Calling a tool", "finished_successfully", endTurn: "false", finish: "stop"))
            + "data: [DONE]\n\n";

        Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode(sse));
    }

    [Fact]
    public void An_in_stream_error_breaks_the_stream_after_the_text_before_it()
    {
        var sse = Event(Message("a1", "assistant", "Par", "in_progress"))
            + """data: {"message":null,"conversation_id":"conv-9","error":"Our systems have detected unusual activity."}""" + "\n\n";
        var events = new List<ConversationEvent>();

        var broken = Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode(sse, complete: false, into: events));

        Assert.Equal("Our systems have detected unusual activity.", broken.UpstreamError);
        Assert.Equal("Par", DecoderHarness.Text(events));
    }

    [Fact]
    public void Finished_status_with_end_turn_but_no_finish_details_counts_as_stop_at_done()
    {
        var sse = Event(Message("a1", "assistant", "Done", "finished_successfully", endTurn: "true")) + "data: [DONE]\n\n";

        var (events, _) = DecoderHarness.Decode(sse);

        Assert.Equal(new AssistantTurnFinished("stop"), events[^1]);
    }

    [Fact]
    public void A_non_json_event_breaks_the_stream() =>
        Assert.Throws<UpstreamStreamBrokenException>(() => DecoderHarness.Decode("data: {\"message\":\n\n", complete: false));

    private static string Event(string json) => "data: " + json + "\n\n";

    private static string Message(string id, string role, string text, string status, string endTurn = "null", string? finish = null)
    {
        var finishDetails = finish is null ? "null" : "{\"type\":\"" + finish + "\",\"stop_tokens\":[100260]}";
        return $$$"""{"message":{"id":"{{{id}}}","author":{"role":"{{{role}}}","name":null,"metadata":{}},"create_time":1700000000.0,"content":{"content_type":"text","parts":["{{{text}}}"]},"status":"{{{status}}}","end_turn":{{{endTurn}}},"weight":1.0,"metadata":{"message_type":"next","model_slug":"gpt-4o","finish_details":{{{finishDetails}}}},"recipient":"all"},"conversation_id":"conv-9","error":null}""";
    }
}
