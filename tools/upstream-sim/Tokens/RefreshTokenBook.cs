using System.Collections.Concurrent;
using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Refresh grants with optional rotation and reuse detection (research §1.2: the 2026
/// auth.openai.com threads report rotation and whole-family revocation on replay; whether the iOS
/// client id behaves the same is uncertain, hence the switch).</summary>
internal sealed class RefreshTokenBook(SimulatorOptions options, AccessTokenBook accessTokens)
{
    public const string Reused = "refresh_token_reused";
    public const string Invalidated = "refresh_token_invalidated";

    private readonly ConcurrentDictionary<string, RefreshTokenRecord> _tokens = new(StringComparer.Ordinal);

    /// <summary>Starts a new grant family for a fresh login; call under the account's gate.</summary>
    public string StartFamily(AccountRecord record)
    {
        record.FamilyId = Guid.NewGuid().ToString();
        return Mint(record, record.FamilyId);
    }

    /// <summary>The account a refresh token was issued to (consumed or not), without using it.</summary>
    public AccountRecord? OwnerOf(string presented) =>
        _tokens.TryGetValue(presented, out var token) ? token.Account : null;

    public RefreshOutcome Refresh(string presented)
    {
        if (!_tokens.TryGetValue(presented, out var token))
        {
            return new RefreshOutcome(null, Invalidated);
        }

        var record = token.Account;
        lock (record.Gate)
        {
            if (record.IsFamilyRevoked(token.FamilyId))
            {
                return new RefreshOutcome(record, Invalidated);
            }

            if (token.Consumed)
            {
                // Replay of a consumed token is treated as theft: the whole grant dies, access tokens included.
                record.RevokeFamily(token.FamilyId);
                return new RefreshOutcome(record, Reused);
            }

            var next = presented;
            if (options.RotateRefreshTokens)
            {
                token.Consumed = true;
                next = Mint(record, token.FamilyId);
            }

            var (access, lifetime) = accessTokens.Issue(record, token.FamilyId);
            return new RefreshOutcome(record, null, access, lifetime, next);
        }
    }

    private string Mint(AccountRecord record, string familyId)
    {
        var value = JwtShapes.RefreshToken();
        _tokens[value] = new RefreshTokenRecord(record, familyId);
        record.Account.RefreshToken = value;
        return value;
    }
}
