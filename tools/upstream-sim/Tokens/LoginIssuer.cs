using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>What a browser login yields: an access token and refresh token of one new grant family,
/// plus a session cookie.</summary>
internal sealed class LoginIssuer(AccessTokenBook accessTokens, RefreshTokenBook refreshTokens, SessionTokenBook sessions)
{
    public void Login(AccountRecord record)
    {
        lock (record.Gate)
        {
            refreshTokens.StartFamily(record);
            accessTokens.Issue(record, record.FamilyId);
            sessions.Start(record);
        }
    }
}
