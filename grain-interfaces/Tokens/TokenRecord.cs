using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.GrainInterfaces.Tokens;

/// <summary>Who a user token or activation code belongs to, and what it allows.</summary>
[GenerateSerializer, Immutable, Alias("mg.TokenRecord")]
public sealed record TokenRecord(
    [property: Id(0)] string UserName,
    [property: Id(1)] string? AccountId,
    [property: Id(2)] UserTokenKind Kind,
    [property: Id(3)] DateTimeOffset IssuedAt)
{
    /// <summary>When the credential stops working (activation codes); null: never.</summary>
    [Id(4)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The plan tier the credential allows (activation codes: <c>free</c>, <c>plus</c>, <c>team</c>, <c>pro</c>); null: no tier check.</summary>
    [Id(5)]
    public string? Plan { get; init; }

    /// <summary>The plan type the account pool prefers for this credential (the OAuth hook's <c>priority</c>); null: none.</summary>
    [Id(6)]
    public string? PreferredPlan { get; init; }

    /// <summary>A credential the operator's OAuth hook vouched for: when the hook must be asked again. Null: not from OAuth.</summary>
    [Id(7)]
    public DateTimeOffset? RecheckAt { get; init; }

    /// <summary>The OAuth hook's <c>forcetoken</c>: the token the operator's hooks are shown in place of the bearer.</summary>
    [Id(8)]
    public Secret? HookToken { get; init; }
}
