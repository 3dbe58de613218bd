namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// Credentials for an account. At least one token must be given; with several, a refresh token wins
/// over a session token, which wins over a bare access token, for getting new access tokens.
/// </summary>
/// <param name="JoinPool">Whether requests made with the service key may use this account.</param>
public sealed record AccountRegistration(
    string? AccessToken,
    string? RefreshToken,
    string? SessionToken,
    string? TeamAccountId = null,
    string? ProxyUrl = null,
    bool JoinPool = true);
