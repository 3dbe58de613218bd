namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// How account grains are keyed. A pooled account is keyed by its login e-mail (lower case), which is
/// how the admin APIs name it. Accounts created for a raw refresh or session token sent as a bearer
/// are keyed by a keyed hash of that token, never by the token itself.
/// </summary>
public static class AccountIds
{
    public static string ForEmail(string email) => email.Trim().ToLowerInvariant();

    public static string ForRefreshTokenHash(string hash) => "rt:" + hash;

    public static string ForSessionTokenHash(string hash) => "st:" + hash;

    public static string ForUpstreamAccountId(string chatGptAccountId) => "acct:" + chatGptAccountId;
}
