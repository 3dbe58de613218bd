using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Result of a refresh grant.</summary>
/// <param name="Account">The account the presented token belongs to (also on failure, for call counts).</param>
/// <param name="ErrorCode">Null on success; otherwise refresh_token_reused | refresh_token_expired | refresh_token_invalidated.</param>
/// <param name="AccessToken">New access token on success.</param>
/// <param name="Lifetime">Its lifetime (<c>expires_in</c>).</param>
/// <param name="RefreshToken">The refresh token to use next (the same one when rotation is off).</param>
internal sealed record RefreshOutcome(
    AccountRecord? Account,
    string? ErrorCode,
    string AccessToken = "",
    TimeSpan Lifetime = default,
    string RefreshToken = "");
