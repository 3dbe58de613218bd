namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>How a conversation stream encodes its messages, detected from its first event.</summary>
internal enum StreamEncoding
{
    Unknown,

    /// <summary>Every event carries the whole message so far (research §3.7).</summary>
    FullMessage,

    /// <summary>"v1" delta encoding (research §3.8).</summary>
    V1,
}
