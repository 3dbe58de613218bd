using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Users;

/// <summary>A user as stored, without token values.</summary>
[GenerateSerializer, Immutable, Alias("mg.UserSnapshot")]
public sealed record UserSnapshot(
    [property: Id(0)] string UserName,
    [property: Id(1)] ImmutableArray<ModelLimit> Limits,
    [property: Id(2)] bool IsolatedSession,
    [property: Id(3)] bool LoggedOut,
    [property: Id(4)] DateTimeOffset CreatedAt)
{
    /// <summary>The user's activation codes (never their values).</summary>
    [Id(5)]
    public ImmutableArray<ActivationCodeInfo> ActivationCodes { get; init; } = [];

    /// <summary>The profile the operator's OAuth hook gave; null for users it never signed in.</summary>
    [Id(6)]
    public UserProfile? Profile { get; init; }
}
