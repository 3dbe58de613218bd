using MirrorGate.Upstream.ChatGpt.Streaming.Delta;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// The fields of one message that the gateway acts on, read from either stream format. The text is the
/// message's whole (cumulative) text: a string in the full-message format, a growing node in "v1".
/// </summary>
internal readonly struct MessageSnapshot
{
    public string? Id { get; init; }

    public string? Role { get; init; }

    public string? Recipient { get; init; }

    public string? Channel { get; init; }

    public string? ContentType { get; init; }

    public string? Status { get; init; }

    public bool? EndTurn { get; init; }

    public string? FinishType { get; init; }

    public string? Text { get; init; }

    public DeltaText? TextNode { get; init; }

    public int TextLength => TextNode?.Length ?? Text?.Length ?? 0;

    /// <summary>Visible answer traffic: the assistant talking to the user, not thinking and not calling a tool.</summary>
    public bool IsVisibleAssistant =>
        Role == "assistant" && Recipient is null or "all" && Channel is null or "final";

    public string TextFrom(int start) => TextNode is { } node ? node.Substring(start) : Text![start..];
}
