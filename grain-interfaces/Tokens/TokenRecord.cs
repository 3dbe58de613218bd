using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.GrainInterfaces.Tokens;

/// <summary>Who a user token belongs to and which account it maps to.</summary>
public sealed record TokenRecord(string UserName, string AccountId, UserTokenKind Kind, DateTimeOffset IssuedAt);
