using Orleans.Concurrency;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;

namespace MirrorGate.GrainInterfaces.Pool;

/// <summary>
/// Fans changes out to every node's pool view (one grain, key <see cref="Key"/>). Never on a request's path:
/// account grains publish here when an account changes, token grains when a token record does, and nodes report their load about once a second.
/// Subscriptions live in memory; nodes renew theirs every few seconds, so after the hub moves to another silo
/// they are back within one renewal, and a node told that its subscription was new reloads its whole view.
/// </summary>
[Alias("mg.IPoolHubGrain")]
public interface IPoolHubGrain : IGrainWithStringKey
{
    const string Key = "pool";

    /// <summary>Adds or renews a node's subscription; false when the hub did not know it (the node may have missed changes).</summary>
    Task<bool> SubscribeAsync(string nodeId, IPoolObserver observer);

    Task UnsubscribeAsync(string nodeId);

    /// <summary>Sends an account's newest snapshot to every subscribed node.</summary>
    Task PublishAsync(AccountSnapshot snapshot);

    /// <summary>Sends a channel key's newest snapshot to every subscribed node.</summary>
    Task PublishChannelKeyAsync(ChannelKeySnapshot snapshot);

    /// <summary>
    /// Tells every subscribed node that a token record changed (issued anew, revoked), so it drops its copy, and
    /// returns once each node acknowledged or a few seconds passed. A node that did not acknowledge is forgotten, so
    /// that its next renewal hears it was unknown and it drops every copy. Interleaves: waiting for the nodes does
    /// not hold up the hub's other traffic.
    /// </summary>
    [AlwaysInterleave]
    Task TokenChangedAsync(string indexKey);

    /// <summary>Sends one node's load to the other nodes.</summary>
    [OneWay]
    Task ReportLoadAsync(NodeLoad load);
}
