using System.Collections.Immutable;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Channels;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Pool;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Pool;

/// <summary>
/// Keeps this node's <see cref="AccountPool"/> current. At start it subscribes to the pool hub (an observer the
/// account grains' changes reach within milliseconds) and reads every pooled account. Then, every
/// <see cref="PoolOptions.SyncInterval"/>, it renews the subscription (a hub that did not know this node, because
/// it moved to another silo, means changes may have been missed: read everything again) and tells the other nodes
/// this node's load; every <see cref="PoolOptions.ReloadInterval"/> it reads everything again anyway. Changed token
/// records reach it the same way and are dropped from the node's <see cref="TokenRecordCache"/> (all of them when the
/// hub did not know this node).
/// </summary>
public sealed partial class PoolFeed(
    IGrainFactory grains,
    AccountPool pool,
    ChannelPool channels,
    TokenRecordCache tokens,
    IOptionsMonitor<PoolOptions> options,
    TimeProvider runtimeClock,
    ILogger<PoolFeed> logger) : BackgroundService, IPoolObserver
{
    /// <summary>This node's id for one run; several nodes may share a process in tests.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private IPoolObserver? _reference;
    private ImmutableDictionary<string, int> _lastReported = ImmutableDictionary<string, int>.Empty;
    private DateTimeOffset _lastReportAt;
    private DateTimeOffset _lastReloadAt;

    public Task AccountChangedAsync(AccountSnapshot snapshot)
    {
        pool.Publish(snapshot);
        return Task.CompletedTask;
    }

    public Task ChannelKeyChangedAsync(ChannelKeySnapshot snapshot)
    {
        channels.Publish(snapshot);
        return Task.CompletedTask;
    }

    public Task TokenChangedAsync(string indexKey)
    {
        tokens.Invalidate(indexKey);
        return Task.CompletedTask;
    }

    public Task LoadReportedAsync(NodeLoad load)
    {
        pool.ReportOtherNode(load);
        return Task.CompletedTask;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<IPoolObserver>(this);

        // The first sync is part of starting: a node answers requests with its pool filled.
        await SyncAsync(forceReload: true);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var beat = new PeriodicTimer(options.CurrentValue.SyncInterval);
        while (await beat.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync(forceReload: false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Best effort: a node that cannot say goodbye is forgotten when its subscription stops being renewed.
            await grains.GetGrain<IPoolHubGrain>(IPoolHubGrain.Key).UnsubscribeAsync(NodeId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            grains.DeleteObjectReference<IPoolObserver>(_reference!);
        }
        catch (Exception ex)
        {
            LogSyncFailed(logger, "unsubscribe", ex.Message);
        }
    }

    private async Task SyncAsync(bool forceReload)
    {
        var hub = grains.GetGrain<IPoolHubGrain>(IPoolHubGrain.Key);
        var now = runtimeClock.GetUtcNow();
        try
        {
            var known = await hub.SubscribeAsync(NodeId, _reference!);
            if (!known)
            {
                // Token changes pushed while the hub did not know this node were not heard: no copy can be trusted.
                tokens.Clear();
            }

            if (forceReload || !known || now - _lastReloadAt >= options.CurrentValue.ReloadInterval)
            {
                await ReloadAsync();
                _lastReloadAt = now;
            }

            // Report when the load changed, and at least every few beats so the others' hint does not expire.
            var load = pool.LocalLoad();
            if (!Same(load, _lastReported) || now - _lastReportAt >= options.CurrentValue.LoadHintLifetime / 2)
            {
                await hub.ReportLoadAsync(new NodeLoad(NodeId, load, now));
                (_lastReported, _lastReportAt) = (load, now);
            }
        }
        catch (Exception ex)
        {
            // The cluster is unreachable right now; the next beat tries again.
            LogSyncFailed(logger, "sync", ex.Message);
        }

        pool.RefreshRemoteLoad();
    }

    /// <summary>Reads every pooled account's snapshot from its grain and forgets accounts no longer pooled.</summary>
    private async Task ReloadAsync()
    {
        var ids = await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
        foreach (var gone in pool.Accounts.Select(a => a.AccountId).Except(ids))
        {
            pool.Forget(gone);
        }

        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<IAccountGrain>(id).GetSnapshotAsync()));
        for (var i = 0; i < ids.Count; i++)
        {
            if (snapshots[i] is { } snapshot)
            {
                pool.Publish(snapshot);
            }
            else
            {
                pool.Forget(ids[i]);
            }
        }

        LogLoaded(logger, pool.Accounts.Count, ids.Count);
        await ReloadChannelsAsync();
    }

    /// <summary>Reads every channel key's snapshot from its grain and forgets keys of channels no longer defined.</summary>
    private async Task ReloadChannelsAsync()
    {
        var defined = await grains.GetGrain<IChannelRegistryGrain>(IChannelRegistryGrain.Key).ListAsync();
        var keyIds = defined.SelectMany(c => c.KeyIds).ToList();
        foreach (var gone in channels.Keys.Select(k => k.KeyId).Except(keyIds))
        {
            channels.Forget(gone);
        }

        var snapshots = await Task.WhenAll(keyIds.Select(id => grains.GetGrain<IChannelKeyGrain>(id).GetSnapshotAsync()));
        for (var i = 0; i < keyIds.Count; i++)
        {
            if (snapshots[i] is { } snapshot)
            {
                channels.Publish(snapshot);
            }
            else
            {
                channels.Forget(keyIds[i]);
            }
        }
    }

    private static bool Same(ImmutableDictionary<string, int> a, ImmutableDictionary<string, int> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && other == entry.Value);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Account pool loaded: {Pooled} of {Registered} registered accounts are pooled")]
    private static partial void LogLoaded(ILogger logger, int pooled, int registered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account pool {Step} failed; retrying on the next beat: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string step, string reason);
}
