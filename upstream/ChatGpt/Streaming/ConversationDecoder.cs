using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Streaming.Delta;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// Decodes one conversation stream, either format. The encoding is detected from the first event (the
/// <c>delta_encoding</c> / <c>"v1"</c> marker, or a first event shaped as a delta); after that, events are still
/// dispatched by shape — <c>{"message":…}</c> envelope, <c>{"p","o","v"}</c> delta, <c>{"type":…}</c> side event —
/// so a "v1" stream that lacks its marker still decodes. In-stream errors throw
/// <see cref="UpstreamStreamBrokenException"/> after the events before them were delivered.
/// </summary>
internal sealed class ConversationDecoder
{
    private readonly DeltaDecoder _delta = new();
    private readonly TurnTracker _turn = new();
    private readonly HashSet<string> _pointers = new(StringComparer.Ordinal);

    public StreamEncoding Encoding { get; private set; }

    public bool SawDone { get; private set; }

    public bool SawStreamComplete { get; private set; }

    public bool TurnFinished => _turn.TurnFinished;

    public void Decode(in SseEvent sseEvent, List<ConversationEvent> output)
    {
        if (SawDone || sseEvent.Data.IsEmpty)
        {
            return;
        }

        if (sseEvent.IsDone)
        {
            SawDone = true;
            _turn.ObserveStreamEnd(output);
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(sseEvent.Data);
        }
        catch (JsonException exception)
        {
            throw new UpstreamStreamBrokenException("The upstream sent an event that is not JSON.", exception);
        }

        ObservePointers(sseEvent.Data.Span, output);
        using (document)
        {
            var root = document.RootElement;
            if (Encoding == StreamEncoding.Unknown)
            {
                Encoding = Detect(sseEvent.Name, root);
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                DecodeObject(root, output);
            }
        }
    }

    /// <summary>Asset pointers anywhere in the event, found in its text as BK finds them (research §6.2), each once.</summary>
    private void ObservePointers(ReadOnlySpan<byte> data, List<ConversationEvent> output)
    {
        if (data.IndexOf("://"u8) < 0)
        {
            return;
        }

        foreach (var pointer in Files.AssetPointers.InText(System.Text.Encoding.UTF8.GetString(data)))
        {
            if (_pointers.Add(pointer))
            {
                output.Add(new AssetPointerSeen(pointer));
            }
        }
    }

    /// <summary>At end of stream: a stream without <c>[DONE]</c> or without a finished assistant turn is broken.</summary>
    public void Complete(List<ConversationEvent> output)
    {
        if (!SawDone)
        {
            throw new UpstreamStreamBrokenException("The upstream stream ended without [DONE].");
        }

        if (!_turn.TurnFinished)
        {
            _turn.ObserveStreamEnd(output);
            if (!_turn.TurnFinished)
            {
                throw new UpstreamStreamBrokenException("The upstream stream ended without a finished assistant message.");
            }
        }
    }

    private static StreamEncoding Detect(string? name, JsonElement root) =>
        name == "delta_encoding"
        || (root.ValueKind == JsonValueKind.String && root.ValueEquals("v1"))
        || (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("v", out _) || root.TryGetProperty("o", out _)
            || (root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("delta_encoding"))))
            ? StreamEncoding.V1
            : StreamEncoding.FullMessage;

    private void DecodeObject(JsonElement root, List<ConversationEvent> output)
    {
        var isDelta = root.TryGetProperty("v", out _) || root.TryGetProperty("o", out _) || root.TryGetProperty("p", out _);
        if (isDelta)
        {
            _delta.Apply(root);
            if (_delta.Document.Root is DeltaObject envelope)
            {
                ObserveEnvelope(envelope, output);
            }

            return;
        }

        if (root.TryGetProperty("message", out var message) || root.TryGetProperty("error", out _))
        {
            ObserveEnvelope(root, message, output);
            return;
        }

        if (root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            ObserveSideEvent(root, type, output);
        }
    }

    private void ObserveEnvelope(DeltaObject envelope, List<ConversationEvent> output)
    {
        _turn.ObserveConversation(envelope.GetString("conversation_id"), output);
        if (envelope.Get("error") is { } error)
        {
            var text = error is DeltaText errorText ? errorText.Value : "The upstream reported an error in the stream.";
            throw new UpstreamStreamBrokenException($"The upstream reported an error: {text}") { UpstreamError = text };
        }

        if (envelope.GetObject("message") is { } message)
        {
            _turn.ObserveMessage(DeltaMessageReader.Read(message), output);
        }
    }

    private void ObserveEnvelope(JsonElement envelope, JsonElement message, List<ConversationEvent> output)
    {
        _turn.ObserveConversation(FullMessageReader.String(envelope, "conversation_id"), output);
        var error = FullMessageReader.Property(envelope, "error");
        if (error.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            var text = error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
            throw new UpstreamStreamBrokenException($"The upstream reported an error: {text}") { UpstreamError = text };
        }

        if (message.ValueKind == JsonValueKind.Object)
        {
            _turn.ObserveMessage(FullMessageReader.Read(message), output);
        }
    }

    private void ObserveSideEvent(JsonElement root, JsonElement type, List<ConversationEvent> output)
    {
        // resume_conversation_token, input_message, message_marker, title_generation, server_ste_metadata,
        // conversation_detail_metadata, moderation… carry nothing the gateway needs beyond the conversation id.
        _turn.ObserveConversation(FullMessageReader.String(root, "conversation_id"), output);
        if (type.ValueEquals("message_stream_complete"))
        {
            SawStreamComplete = true;
            _turn.ObserveStreamEnd(output);
        }
        else if (type.ValueEquals("error"))
        {
            var text = FullMessageReader.String(root, "message") ?? FullMessageReader.String(root, "error") ?? root.GetRawText();
            throw new UpstreamStreamBrokenException($"The upstream reported an error: {text}") { UpstreamError = text };
        }
    }
}
