using System.Collections.Concurrent;
using System.Globalization;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>Issued sentinel tokens. Tokens are reusable until they expire: <c>expire_after</c> suggests so,
/// but whether the server enforces single use is uncertain.</summary>
internal sealed class SentinelStore(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, SentinelGrant> _grants = new(StringComparer.Ordinal);

    public SentinelGrant IssueChallenge(SentinelGrantKind kind, string ownerKey, PowHash hash)
    {
        var seed = Random.Shared.NextDouble().ToString("R", CultureInfo.InvariantCulture);
        return Store(kind, ownerKey, options.RequireProofOfWork, seed, options.PowDifficulty, hash);
    }

    /// <summary>The finalize step: a new token carrying the prepare step's challenge.</summary>
    public SentinelGrant Finalize(SentinelGrant prepared) =>
        Store(SentinelGrantKind.Finalized, prepared.OwnerKey, prepared.PowRequired, prepared.Seed, prepared.Difficulty, prepared.Hash);

    /// <summary>The grant when the token exists, belongs to <paramref name="ownerKey"/>, is of an accepted kind
    /// and has not expired; otherwise null.</summary>
    public SentinelGrant? Find(string? token, string ownerKey, params SentinelGrantKind[] kinds)
    {
        if (token is null || !_grants.TryGetValue(token, out var grant))
        {
            return null;
        }

        return grant.OwnerKey == ownerKey
            && kinds.Contains(grant.Kind)
            && grant.ExpiresAt > options.TimeProvider.GetUtcNow()
                ? grant
                : null;
    }

    private SentinelGrant Store(SentinelGrantKind kind, string ownerKey, bool powRequired, string seed, string difficulty, PowHash hash)
    {
        // Real tokens are Fernet tokens (version byte 0x80 → "gAAAAAB"); the body here is just random.
        var token = ProofOfWork.ProofPrefix + Base64UrlText.RandomBytes(180);
        var grant = new SentinelGrant(token, kind, ownerKey, powRequired, seed, difficulty, hash,
            options.TimeProvider.GetUtcNow() + options.SentinelTokenLifetime);
        _grants[token] = grant;
        return grant;
    }
}
