namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Which chat call sequence the client speaks (docs/chatgpt-upstream.md, "Chat: two flows").</summary>
public enum ChatGptFlow
{
    /// <summary>
    /// Era C: sentinel prepare → finalize (FNV-1a proof of work) → <c>f/conversation/prepare</c> →
    /// <c>f/conversation</c>; the answer is always "v1" delta-encoded.
    /// </summary>
    Newest,

    /// <summary>
    /// Eras A/B: <c>sentinel/chat-requirements</c> (SHA3-512 proof of work) → <c>conversation</c>; full-message
    /// SSE unless <see cref="ChatGptOptions.LegacyDeltaEncoding"/> asks for "v1".
    /// </summary>
    Legacy,
}
