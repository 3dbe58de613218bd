namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// The hash a sentinel's proof of work is checked with. Uncertain (research §3.5): which one the live server wants,
/// and whether it depends on the endpoint; docs/chatgpt-upstream.md fixes FNV-1a on the newest flow and
/// SHA3-512 on the legacy one.
/// </summary>
internal enum ProofOfWorkHash
{
    /// <summary>32-bit FNV-1a with a murmur-style finaliser, 8 hex digits (newest, AUR 2026 and DOC3).</summary>
    Fnv1a,

    /// <summary>SHA3-512, 128 hex digits (legacy: C2A, XQ, BK).</summary>
    Sha3512,
}
