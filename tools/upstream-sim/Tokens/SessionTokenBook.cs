using System.Collections.Concurrent;
using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>next-auth session cookies. With rotation on, each successful exchange consumes the cookie
/// and issues the next one (research §1.3: AUR #278 treats it as one-time).</summary>
internal sealed class SessionTokenBook(SimulatorOptions options, AccessTokenBook accessTokens)
{
    // Value = still usable; flips to false once consumed.
    private readonly ConcurrentDictionary<string, (AccountRecord Account, bool Live)> _tokens = new(StringComparer.Ordinal);

    /// <summary>Issues a fresh session cookie for a login; call under the account's gate.</summary>
    public string Start(AccountRecord record) => Mint(record);

    /// <summary>Exchanges a cookie. Account is set whenever the cookie was ever issued (for call counts);
    /// AccessToken is null for a dead session.</summary>
    public (AccountRecord? Account, string? AccessToken, string? NextCookie) Exchange(string cookie)
    {
        if (!_tokens.TryGetValue(cookie, out var entry))
        {
            return (null, null, null);
        }

        var record = entry.Account;
        lock (record.Gate)
        {
            if (!_tokens[cookie].Live)
            {
                return (record, null, null);
            }

            var next = cookie;
            if (options.RotateSessionTokens)
            {
                _tokens[cookie] = (record, false);
                next = Mint(record);
            }

            var (access, _) = accessTokens.Issue(record, familyId: null);
            return (record, access, next);
        }
    }

    private string Mint(AccountRecord record)
    {
        var value = JwtShapes.SessionJwe();
        _tokens[value] = (record, true);
        record.Account.SessionToken = value;
        return value;
    }
}
