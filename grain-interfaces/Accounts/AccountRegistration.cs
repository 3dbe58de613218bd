using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// Credentials for an account. At least one token must be given; with several, a refresh token wins
/// over a session token, which wins over a bare access token, for getting new access tokens.
/// </summary>
/// <param name="JoinPool">Whether requests made with the service key may use this account.</param>
[GenerateSerializer, Immutable, Alias("mg.AccountRegistration")]
public sealed record AccountRegistration(
    [property: Id(0)] Secret? AccessToken,
    [property: Id(1)] Secret? RefreshToken,
    [property: Id(2)] Secret? SessionToken,
    [property: Id(3)] string? TeamAccountId = null,
    [property: Id(4)] string? ProxyUrl = null,
    [property: Id(5)] bool JoinPool = true)
{
    public bool HasToken => AccessToken is not null || RefreshToken is not null || SessionToken is not null;
}
