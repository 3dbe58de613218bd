using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Channels;

/// <summary>Whether a channel key serves requests.</summary>
[Alias("mg.ChannelKeyStatus")]
public enum ChannelKeyStatus
{
    Active,

    /// <summary>The upstream refused the key (401/403); it stays out until an operator enables it again.</summary>
    Rejected,

    /// <summary>Taken out of service by an operator.</summary>
    Disabled,
}

/// <summary>
/// An immutable picture of one channel key, pushed to every node's pool the way account snapshots are. No secret:
/// <see cref="KeyHint"/> is the key's last four characters; nodes fetch the key itself from the grain once per
/// <see cref="KeyVersion"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.ChannelKeySnapshot")]
public sealed record ChannelKeySnapshot(
    [property: Id(0)] string KeyId,
    [property: Id(1)] ChannelDefinition Channel,
    [property: Id(2)] string KeyHint,
    [property: Id(3)] ChannelKeyStatus Status,
    [property: Id(4)] string? StatusReason,
    [property: Id(5)] DateTimeOffset? StatusChangedAt,
    [property: Id(6)] ImmutableDictionary<string, DateTimeOffset> Cooldowns,
    [property: Id(7)] bool InPool,
    [property: Id(8)] long KeyVersion)
{
    /// <summary>Stored version the snapshot was taken from; a node's pool keeps the highest it has seen.</summary>
    [Id(9)]
    public long Revision { get; init; }

    /// <summary>Whether the key may take a request for <paramref name="model"/> at <paramref name="now"/>.</summary>
    public bool IsAvailable(string model, DateTimeOffset now) =>
        Status == ChannelKeyStatus.Active && !(Cooldowns.TryGetValue(model, out var until) && until > now);

    public DateTimeOffset? CoolingUntil(string model, DateTimeOffset now) =>
        Cooldowns.TryGetValue(model, out var until) && until > now ? until : null;
}
