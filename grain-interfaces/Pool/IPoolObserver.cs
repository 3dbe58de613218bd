using Orleans.Concurrency;
using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;

namespace MirrorGate.GrainInterfaces.Pool;

/// <summary>
/// A node's pool view, as the cluster reaches it: account grains push their snapshots here (through
/// <see cref="IPoolHubGrain"/>), token grains their changes, and other nodes push their in-flight counts. One per node that serves requests.
/// </summary>
[Alias("mg.IPoolObserver")]
public interface IPoolObserver : IGrainObserver
{
    /// <summary>An account changed (or was registered): its newest snapshot.</summary>
    [OneWay]
    Task AccountChangedAsync(AccountSnapshot snapshot);

    /// <summary>A channel key changed (or was added): its newest snapshot.</summary>
    [OneWay]
    Task ChannelKeyChangedAsync(ChannelKeySnapshot snapshot);

    /// <summary>
    /// A token record changed (key: the token's index key, a keyed hash): the node drops its copy. Not one-way: the
    /// hub waits for the answer, so that a revocation returns only once the nodes stopped accepting the token.
    /// </summary>
    Task TokenChangedAsync(string indexKey);

    /// <summary>Another node's requests in flight per account, as a hint for spreading load.</summary>
    [OneWay]
    Task LoadReportedAsync(NodeLoad load);
}

/// <summary>Requests in flight per account on one node, at one moment.</summary>
[GenerateSerializer, Immutable, Alias("mg.NodeLoad")]
public sealed record NodeLoad(
    [property: Id(0)] string NodeId,
    [property: Id(1)] ImmutableDictionary<string, int> InFlight,
    [property: Id(2)] DateTimeOffset At);
