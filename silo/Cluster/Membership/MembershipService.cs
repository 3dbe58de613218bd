using MirrorGate.Silo.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Cluster.Membership;

/// <summary>
/// Keeps this node's row in the membership table: joins at start, writes a heartbeat with the number
/// of grain activations every <see cref="ClusterOptions.HeartbeatInterval"/>, and leaves on a graceful
/// stop. Membership is for the dashboard and for judging whether a lease holder is gone, not for
/// serving: a heartbeat or join that fails is logged and tried again on the next tick, and never
/// stops the node (the stores report an unreachable database on their own).
/// </summary>
public sealed partial class MembershipService(
    MembershipTable table,
    GrainCatalog catalog,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<MembershipService> logger) : BackgroundService
{
    // Written by StartAsync and then only by the heartbeat loop; StopAsync reads it after the loop ended.
    private bool _joined;
    private bool _refused;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Joining before the node serves lets the others see it as soon as it takes requests.
        await TryJoinAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_joined)
        {
            return;
        }

        try
        {
            if (await table.LeaveAsync(cancellationToken))
            {
                LogLeft(logger, table.NodeId);
            }
        }
        catch (Exception ex)
        {
            // The row then goes stale and reads as dead after NodeDeadAfter, which is the same outcome later.
            LogLeaveFailed(logger, ex, table.NodeId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (_joined)
                {
                    await HeartbeatAsync(stoppingToken);
                }
                else
                {
                    await TryJoinAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync leaves the cluster once this loop has ended.
        }
    }

    private async Task TryJoinAsync(CancellationToken cancellationToken)
    {
        try
        {
            var active = await table.JoinAsync(catalog.Count, cancellationToken);
            _joined = true;
            if (active)
            {
                LogJoined(logger, table.NodeId);
            }
            else
            {
                Refused();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogJoinFailed(logger, ex, table.NodeId);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await table.HeartbeatAsync(catalog.Count, cancellationToken))
            {
                _refused = false;
            }
            else
            {
                Refused();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogHeartbeatFailed(logger, ex, table.NodeId);
        }
    }

    /// <summary>
    /// This node's row left or was declared dead, which is final for this node id: the node keeps
    /// serving (its leases and versioned writes are fenced on their own) but shows as gone until it
    /// restarts under a new id. Said once, not every tick.
    /// </summary>
    private void Refused()
    {
        if (!_refused)
        {
            _refused = true;
            LogRefused(logger, table.NodeId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the cluster as node {NodeId}")]
    private static partial void LogJoined(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} left the cluster")]
    private static partial void LogLeft(ILogger logger, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not join the membership table; retrying on the next heartbeat")]
    private static partial void LogJoinFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not write its heartbeat; retrying on the next tick")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not mark itself as left; its row will read as dead once its heartbeat is stale")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {NodeId} is marked as left or dead in the membership table, which is final for this run; it keeps serving but shows as gone until restarted")]
    private static partial void LogRefused(ILogger logger, string nodeId);
}
