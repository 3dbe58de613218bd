using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Pool;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Pool;

/// <summary>
/// Fans account snapshots, token changes and node loads out to every node's pool view. Holds its subscribers in
/// memory only: nodes renew their subscription every few seconds (<see cref="PoolHubGrain.SubscriptionLifetime"/> is
/// a few renewals long), so when this grain moves to another silo they find it again within one renewal, hear that
/// they were unknown, and reload their view.
/// </summary>
[GrainType("pool-hub")]
public sealed partial class PoolHubGrain(TimeProvider runtimeClock, ILogger<PoolHubGrain> logger) : Grain, IPoolHubGrain
{
    /// <summary>A node that has not renewed for this long is gone (its silo died, or its front end stopped).</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a token change waits for the nodes' acknowledgements. A revocation waits this long at most for a node
    /// that died and is not yet forgotten; a live node answers in milliseconds.
    /// </summary>
    public static readonly TimeSpan TokenChangeTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Subscriber> _nodes = new(StringComparer.Ordinal);

    public Task<bool> SubscribeAsync(string nodeId, IPoolObserver observer)
    {
        var known = _nodes.ContainsKey(nodeId);
        _nodes[nodeId] = new Subscriber(observer, runtimeClock.GetUtcNow());
        if (!known)
        {
            LogSubscribed(logger, nodeId, _nodes.Count);
        }

        return Task.FromResult(known);
    }

    public Task UnsubscribeAsync(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task PublishAsync(AccountSnapshot snapshot)
    {
        foreach (var (nodeId, subscriber) in Live())
        {
            Send(nodeId, () => subscriber.Observer.AccountChangedAsync(snapshot));
        }

        return Task.CompletedTask;
    }

    public Task PublishChannelKeyAsync(ChannelKeySnapshot snapshot)
    {
        foreach (var (nodeId, subscriber) in Live())
        {
            Send(nodeId, () => subscriber.Observer.ChannelKeyChangedAsync(snapshot));
        }

        return Task.CompletedTask;
    }

    public async Task TokenChangedAsync(string indexKey)
    {
        var nodes = Live();
        var acknowledged = await Task.WhenAll(nodes.Select(node => AcknowledgedAsync(node.Key, node.Value, indexKey)));
        for (var i = 0; i < nodes.Count; i++)
        {
            // A node that may still hold the record is forgotten (even if it renewed meanwhile, which proves it alive
            // but not that it dropped the record): its next renewal, within Pool:SyncInterval, hears that it was
            // unknown, and it drops every token record it holds.
            if (!acknowledged[i])
            {
                _nodes.Remove(nodes[i].Key);
            }
        }
    }

    public Task ReportLoadAsync(NodeLoad load)
    {
        foreach (var (nodeId, subscriber) in Live())
        {
            if (nodeId != load.NodeId)
            {
                Send(nodeId, () => subscriber.Observer.LoadReportedAsync(load));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The subscribers still renewing; the rest are forgotten.</summary>
    private List<KeyValuePair<string, Subscriber>> Live()
    {
        var oldest = runtimeClock.GetUtcNow() - SubscriptionLifetime;
        foreach (var gone in _nodes.Where(n => n.Value.RenewedAt < oldest).Select(n => n.Key).ToList())
        {
            _nodes.Remove(gone);
            LogExpired(logger, gone);
        }

        return [.. _nodes];
    }

    /// <summary>One-way sends: a dead subscriber costs nothing but a log line.</summary>
    private void Send(string nodeId, Func<Task> send)
    {
        try
        {
            _ = send();
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, ex, nodeId);
        }
    }

    private async Task<bool> AcknowledgedAsync(string nodeId, Subscriber subscriber, string indexKey)
    {
        try
        {
            await subscriber.Observer.TokenChangedAsync(indexKey).WaitAsync(TokenChangeTimeout);
            return true;
        }
        catch (Exception ex)
        {
            LogTokenChangeFailed(logger, ex, nodeId);
            return false;
        }
    }

    private sealed record Subscriber(IPoolObserver Observer, DateTimeOffset RenewedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool hub: node {NodeId} subscribed ({Count} nodes)")]
    private static partial void LogSubscribed(ILogger logger, string nodeId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool hub: node {NodeId} stopped renewing and is forgotten")]
    private static partial void LogExpired(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool hub: node {NodeId} did not acknowledge a token change; it is forgotten and reloads at its next renewal")]
    private static partial void LogTokenChangeFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pool hub: could not reach node {NodeId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string nodeId);
}
