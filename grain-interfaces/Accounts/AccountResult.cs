using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>Outcome of registering an account: the snapshot, or why the credentials were refused.</summary>
[GenerateSerializer, Immutable, Alias("mg.AccountResult")]
public sealed record AccountResult(
    [property: Id(0)] AccountSnapshot? Snapshot,
    [property: Id(1)] AccountError? Error,
    [property: Id(2)] string? Message)
{
    public bool Succeeded => Snapshot is not null && Error is null;

    /// <summary>The tokens now held, for callers that must hand rotated tokens back (admin get-user-info); null when not shown.</summary>
    [Id(3)]
    public IssuedTokens? Tokens { get; init; }

    public static AccountResult Ok(AccountSnapshot snapshot, IssuedTokens? tokens) => new(snapshot, null, null) { Tokens = tokens };

    public static AccountResult Fail(AccountError error, string message) => new(null, error, message);
}

/// <summary>The account's current tokens, returned only to operator-authenticated callers.</summary>
[GenerateSerializer, Immutable, Alias("mg.IssuedTokens")]
public sealed record IssuedTokens([property: Id(0)] Secret AccessToken, [property: Id(1)] Secret? RefreshToken, [property: Id(2)] Secret? SessionToken);

[Alias("mg.AccountError")]
public enum AccountError
{
    /// <summary>The request named no usable token.</summary>
    MissingToken,

    /// <summary>The upstream refused the token (expired, revoked, consumed).</summary>
    InvalidToken,

    /// <summary>The upstream could not be reached or failed; try again.</summary>
    UpstreamUnavailable,

    /// <summary>The account is banned, disabled or otherwise unusable.</summary>
    Unusable,
}
