using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Issues access tokens (research §1.4 payload) and decides whether a bearer is still good.</summary>
internal sealed class AccessTokenBook(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, AccessTokenRecord> _tokens = new(StringComparer.Ordinal);
    private long _serial;

    /// <summary>Mints a token, makes it the account's current one and returns it with its lifetime.</summary>
    public (string Token, TimeSpan Lifetime) Issue(AccountRecord record, string? familyId, TimeSpan? lifetime = null)
    {
        var account = record.Account;
        var life = lifetime ?? record.AccessTokenLifetime ?? options.AccessTokenLifetime;
        var now = options.TimeProvider.GetUtcNow();
        var iat = now.ToUnixTimeSeconds();
        var exp = (now + life).ToUnixTimeSeconds();
        var serial = Interlocked.Increment(ref _serial);
        var payload = new JsonObject
        {
            ["aud"] = new JsonArray("https://api.openai.com/v1"),
            ["client_id"] = OAuthClient.ClientId,
            ["exp"] = exp,
            // The gateway reads the nested claims; chatgpt_plan_type is repeated top level because sources disagree (uncertain).
            ["https://api.openai.com/auth"] = new JsonObject
            {
                ["chatgpt_account_id"] = account.AccountId,
                ["chatgpt_plan_type"] = account.Plan,
                ["chatgpt_user_id"] = account.UserId,
                ["user_id"] = account.UserId,
            },
            ["https://api.openai.com/profile"] = new JsonObject
            {
                ["email"] = account.Email,
                ["email_verified"] = true,
            },
            ["chatgpt_plan_type"] = account.Plan,
            ["iat"] = iat,
            ["iss"] = "https://auth.openai.com",
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = iat,
            ["scp"] = new JsonArray("openid", "email", "profile", "offline_access", "model.request", "model.read"),
            ["sub"] = "auth0|" + account.UserId,
        };
        var token = JwtShapes.Rs256(payload);
        _tokens[token] = new AccessTokenRecord(record, serial, familyId, exp);
        account.AccessToken = token;
        return (token, life);
    }

    /// <summary>Checks a bearer: issued here, <c>exp</c> ahead, not revoked. The record (when known)
    /// names the account even for a rejected token, so calls can be attributed.</summary>
    public (AccessTokenStatus Status, AccessTokenRecord? Record) Check(string token)
    {
        if (!_tokens.TryGetValue(token, out var record))
        {
            return (AccessTokenStatus.Unknown, null);
        }

        if (record.Serial < record.Account.RevokedBelowSerial
            || (record.FamilyId is not null && record.Account.IsFamilyRevoked(record.FamilyId)))
        {
            return (AccessTokenStatus.Revoked, record);
        }

        var now = options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        return now >= record.ExpiresAtUnix ? (AccessTokenStatus.Expired, record) : (AccessTokenStatus.Valid, record);
    }

    /// <summary>Revokes every token issued so far to the account.</summary>
    public void RevokeAll(AccountRecord record) => record.RevokeAccessTokensBelow(Interlocked.Read(ref _serial) + 1);
}
