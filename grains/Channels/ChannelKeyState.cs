using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.Grains.Channels;

/// <summary>The stored channel key. The key is a <see cref="Secret"/>: encrypted at rest, printed as <c>***</c>.</summary>
public sealed record ChannelKeyState
{
    public ChannelDefinition? Channel { get; init; }

    public Secret? Key { get; init; }

    /// <summary>Changes whenever <see cref="Key"/> does, so a node knows its copy of the key is stale.</summary>
    public long KeyVersion { get; init; }

    public ChannelKeyStatus Status { get; init; }

    public string? StatusReason { get; init; }

    public DateTimeOffset? StatusChangedAt { get; init; }

    /// <summary>Per-model cool-downs from the upstream's 429s.</summary>
    public ImmutableDictionary<string, DateTimeOffset> Cooldowns { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;
}

/// <summary>The defined channels, by id.</summary>
public sealed record ChannelRegistryState
{
    public ImmutableSortedDictionary<string, ChannelDefinition> Channels { get; init; } = ImmutableSortedDictionary<string, ChannelDefinition>.Empty;
}
