using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Conduit;

/// <summary>Conduit tokens of <c>f/conversation/prepare</c> (research §3.3): short-lived ES256 JWTs bound
/// to the caller. Reusable until they expire; whether the server enforces single use is uncertain.</summary>
internal sealed class ConduitStore(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, (string OwnerKey, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);

    public string Issue(string ownerKey)
    {
        var now = options.TimeProvider.GetUtcNow();
        var expires = now + options.ConduitTokenLifetime;
        var token = JwtShapes.Es256(new JsonObject
        {
            ["conduit_uuid"] = Guid.NewGuid().ToString("N"),
            ["conduit_location"] = "10.128.0.42:8301",
            ["cluster"] = "unified-40",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        });
        _tokens[token] = (ownerKey, expires);
        return token;
    }

    /// <summary>True when the token was issued to <paramref name="ownerKey"/> (and, unless
    /// <paramref name="allowExpired"/>, has not expired).</summary>
    public bool IsValid(string? token, string ownerKey, bool allowExpired = false) =>
        token is not null
        && _tokens.TryGetValue(token, out var entry)
        && entry.OwnerKey == ownerKey
        && (allowExpired || entry.ExpiresAt > options.TimeProvider.GetUtcNow());
}
