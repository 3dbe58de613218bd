namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>Which sentinel step issued a token.</summary>
internal enum SentinelGrantKind
{
    /// <summary>Legacy <c>chat-requirements</c>: the token goes straight into the conversation headers.</summary>
    Legacy,

    /// <summary><c>chat-requirements/prepare</c>: only good for <c>finalize</c>.</summary>
    Prepare,

    /// <summary><c>chat-requirements/finalize</c>: the token goes into the conversation headers.</summary>
    Finalized,
}
