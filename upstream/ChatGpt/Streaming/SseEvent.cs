namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// One dispatched server-sent event. <see cref="Data"/> points into the parser's buffer and is valid only until
/// the parser is called again.
/// </summary>
/// <param name="Name">The <c>event:</c> field, or <see langword="null"/> when the event had none.</param>
/// <param name="Data">The <c>data:</c> lines joined with <c>\n</c>, UTF-8.</param>
internal readonly record struct SseEvent(string? Name, ReadOnlyMemory<byte> Data)
{
    /// <summary>The <c>data: [DONE]</c> terminator.</summary>
    public bool IsDone => Data.Span.SequenceEqual("[DONE]"u8);
}
