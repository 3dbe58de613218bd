namespace MirrorGate.UpstreamSim;

/// <summary>The hash a proof-of-work token is checked with (research §3.5).</summary>
/// <remarks>Which hash the live server wants, and whether it depends on the endpoint, is uncertain;
/// that is why the simulator lets a test choose per flow.</remarks>
public enum PowHash
{
    /// <summary>32-bit FNV-1a over UTF-16 code units plus the murmur-style finaliser (newest clients).</summary>
    Fnv1a,

    /// <summary>SHA3-512 over the UTF-8 bytes (legacy clients).</summary>
    Sha3_512,
}
