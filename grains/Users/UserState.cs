using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Silo.Secrets;

namespace MirrorGate.Grains.Users;

public sealed record UserState
{
    public ImmutableArray<ModelLimit> Limits { get; init; } = [];

    public bool IsolatedSession { get; init; } = true;

    public bool LoggedOut { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public ImmutableArray<UserToken> Tokens { get; init; } = [];
}

/// <summary>A token handed to the user. The value is kept (encrypted) so the same token can be handed out again.</summary>
public sealed record UserToken(string AccountId, UserTokenKind Kind, Secret Value, string Hash, DateTimeOffset IssuedAt);
