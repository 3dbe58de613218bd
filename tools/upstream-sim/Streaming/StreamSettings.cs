namespace MirrorGate.UpstreamSim.Streaming;

/// <summary>How one reply is streamed.</summary>
/// <param name="Chunks">Text pieces, in order (<see cref="SimReplies.Chunks"/>).</param>
/// <param name="DelayBeforeChunk">Wait before each text chunk.</param>
/// <param name="DropAfterChunks">When set, the stream stops after this many text chunks and the connection is aborted.</param>
/// <param name="TimeProvider">Clock for the waits.</param>
internal sealed record StreamSettings(
    IReadOnlyList<string> Chunks,
    TimeSpan DelayBeforeChunk,
    int? DropAfterChunks,
    TimeProvider TimeProvider)
{
    /// <summary>True when the stream must stop before text chunk number <paramref name="sent"/> (0-based).</summary>
    public bool DropsBefore(int sent) => DropAfterChunks is { } limit && sent >= limit;

    public Task WaitAsync(CancellationToken cancellationToken) =>
        DelayBeforeChunk > TimeSpan.Zero ? Task.Delay(DelayBeforeChunk, TimeProvider, cancellationToken) : Task.CompletedTask;
}
