using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.GrainInterfaces.Tokens;

/// <summary>Who a user token belongs to and which account it maps to.</summary>
[GenerateSerializer, Immutable, Alias("mg.TokenRecord")]
public sealed record TokenRecord(
    [property: Id(0)] string UserName,
    [property: Id(1)] string AccountId,
    [property: Id(2)] UserTokenKind Kind,
    [property: Id(3)] DateTimeOffset IssuedAt);
