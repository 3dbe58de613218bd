namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// A conversation stream failed after it started: the connection dropped, the upstream sent an in-stream
/// <c>error</c>, or the stream ended without a finished assistant turn and <c>[DONE]</c>.
/// </summary>
public sealed class UpstreamStreamBrokenException : Exception
{
    public UpstreamStreamBrokenException()
        : base("The upstream conversation stream broke.")
    {
    }

    public UpstreamStreamBrokenException(string message)
        : base(message)
    {
    }

    public UpstreamStreamBrokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The upstream's in-stream error text, when the stream carried one.</summary>
    public string? UpstreamError { get; init; }
}
