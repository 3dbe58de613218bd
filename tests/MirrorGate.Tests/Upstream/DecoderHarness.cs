using System.Text;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Streaming;

namespace MirrorGate.Tests.Upstream;

/// <summary>Runs SSE text through the parser and the conversation decoder, collecting the events.</summary>
internal static class DecoderHarness
{
    public static (List<ConversationEvent> Events, ConversationDecoder Decoder) Decode(
        string sse, bool complete = true, List<ConversationEvent>? into = null)
    {
        var decoder = new ConversationDecoder();
        var events = into ?? [];
        var parser = new SseParser();
        ReadOnlySpan<byte> input = Encoding.UTF8.GetBytes(sse);
        while (!input.IsEmpty && parser.TryRead(input, out var consumed, out var sseEvent))
        {
            decoder.Decode(sseEvent, events);
            input = input[consumed..];
        }

        if (parser.TryComplete(out var last))
        {
            decoder.Decode(last, events);
        }

        if (complete)
        {
            decoder.Complete(events);
        }

        return (events, decoder);
    }

    public static string Text(IEnumerable<ConversationEvent> events) =>
        string.Concat(events.OfType<AssistantTextDelta>().Select(d => d.Text));

    /// <summary>The research §3.8 (CAP1) free-plan turn, event by event, with placeholder ids.</summary>
    public const string ResearchSample = """
        event: delta_encoding
        data: "v1"

        data: {"type":"resume_conversation_token","kind":"conduit","token":"eyJhbGciOiJFUzI1NiJ9.e30.sig","conversation_id":"conv-1"}

        event: delta
        data: {"p":"","o":"add","v":{"message":{"id":"sys-1","author":{"role":"system","name":null,"metadata":{}},"content":{"content_type":"text","parts":[""]},"status":"finished_successfully","end_turn":true,"metadata":{"is_visually_hidden_from_conversation":true},"recipient":"all","channel":null},"conversation_id":"conv-1","error":null,"error_code":null},"c":0}

        event: delta
        data: {"v":{"message":{"id":"user-1","author":{"role":"user"},"content":{"content_type":"text","parts":["Give me a list"]},"status":"finished_successfully","end_turn":null,"metadata":{},"recipient":"all","channel":null},"conversation_id":"conv-1","error":null,"error_code":null},"c":1}

        data: {"type":"input_message","input_message":{"id":"user-1","author":{"role":"user"},"content":{"content_type":"text","parts":["Give me a list"]}},"conversation_id":"conv-1"}

        event: delta
        data: {"v":{"message":{"id":"asst-1","author":{"role":"assistant","name":null,"metadata":{}},"content":{"content_type":"text","parts":[""]},"status":"in_progress","end_turn":null,"metadata":{"message_type":"next","model_slug":"gpt-5-2","default_model_slug":"auto","parent_id":"user-1"},"recipient":"all","channel":null},"conversation_id":"conv-1","error":null,"error_code":null},"c":2}

        data: {"type":"message_marker","conversation_id":"conv-1","message_id":"asst-1","marker":"user_visible_token","event":"first"}

        event: delta
        data: {"p":"/message/content/parts/0","o":"append","v":"Here\u2019s"}

        event: delta
        data: {"v":" a list"}

        event: delta
        data: {"v":":"}

        data: {"type":"title_generation","title":"Lists","conversation_id":"conv-1"}

        event: delta
        data: {"p":"","o":"patch","v":[{"p":"/message/content/parts/0","o":"append","v":" one, two."},{"p":"/message/status","o":"replace","v":"finished_successfully"},{"p":"/message/end_turn","o":"replace","v":true},{"p":"/message/metadata","o":"append","v":{"finish_details":{"type":"stop","stop_tokens":[200002]},"is_complete":true}}]}

        data: {"type":"server_ste_metadata","metadata":{"plan_type":"free","model_slug":"i-mini","turn_exchange_id":"t-1","is_first_turn":true},"conversation_id":"conv-1"}

        data: {"type":"message_stream_complete","conversation_id":"conv-1"}

        data: {"type":"title_generation","title":"Lists","conversation_id":"conv-1"}

        data: [DONE]


        """;
}
