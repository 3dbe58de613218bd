namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>A sentinel token and the challenge issued with it.</summary>
/// <param name="Token">The token string.</param>
/// <param name="Kind">Step that issued it.</param>
/// <param name="OwnerKey">Account or device it was issued to.</param>
/// <param name="PowRequired">Whether a proof must accompany it.</param>
/// <param name="Seed">Proof-of-work seed.</param>
/// <param name="Difficulty">Proof-of-work difficulty.</param>
/// <param name="Hash">Hash the proof is checked with (chosen when issued, so a later switch change does not
/// invalidate a handshake in flight).</param>
/// <param name="ExpiresAt">After this the token is refused.</param>
internal sealed record SentinelGrant(
    string Token,
    SentinelGrantKind Kind,
    string OwnerKey,
    bool PowRequired,
    string Seed,
    string Difficulty,
    PowHash Hash,
    DateTimeOffset ExpiresAt);
