using MirrorGate.Silo.Cluster.Membership;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// The cluster's chores, done by exactly one node at a time under the lease <see cref="LeaseName"/>:
/// declare nodes whose heartbeat stopped dead for good, sweep expired counter rows, and forget node
/// runs that left or died more than a day ago. Every node
/// runs this service; the one holding the lease works, the others keep trying to take it, so when the
/// holder dies another node takes over within <see cref="ClusterOptions.LeaseDuration"/> and a third (the others try every third), with a
/// larger fencing number. The sweep is fenced in the statement itself: it deletes nothing unless the
/// lease is still held at that fence, so a holder that paused past its term cannot act on stale authority.
/// </summary>
public sealed partial class ClusterHousekeeping(
    ILeaseStore leases,
    MembershipTable membership,
    PostgresDatabase database,
    SiloIdentity node,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<ClusterHousekeeping> logger) : BackgroundService
{
    public const string LeaseName = "cluster:housekeeping";

    private const string SweepSql = """
        WITH held AS (SELECT 1 FROM mg_lease WHERE name = $1 AND fence = $2 AND expires_at > $3),
        counters AS (
            DELETE FROM mg_counter WHERE expires_at <= $3 AND EXISTS (SELECT 1 FROM held)),
        nodes AS (
            DELETE FROM mg_node WHERE status IN ('left', 'dead') AND heartbeat_at < $4 AND EXISTS (SELECT 1 FROM held))
        SELECT 1
        """;

    /// <summary>How long the rows of node runs that left or died stay visible in membership.</summary>
    private static readonly TimeSpan NodeHistory = TimeSpan.FromDays(1);

    private Lease? _held;

    /// <summary>The lease while this node is the one doing the chores.</summary>
    public Lease? Held => Volatile.Read(ref _held);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var term = options.Value.LeaseDuration;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(term, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed tick (database away) is retried on the next one; the lease lapses by itself.
                LogTickFailed(logger, ex.Message);
            }

            await Task.Delay(term / 3, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Held is { } lease)
        {
            // A graceful stop hands the chores over at once instead of after the term.
            await leases.ReleaseAsync(lease, cancellationToken).AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task TickAsync(TimeSpan term, CancellationToken cancellationToken)
    {
        if (Held is { } lease && !await leases.RenewAsync(lease, term, cancellationToken))
        {
            LogLost(logger, lease.Fence);
            Volatile.Write(ref _held, null);
        }

        if (Held is null)
        {
            var taken = await leases.TryAcquireAsync(LeaseName, node.NodeId, term, cancellationToken);
            if (taken is null)
            {
                return;
            }

            LogTaken(logger, taken.Fence);
            Volatile.Write(ref _held, taken);
        }

        foreach (var stale in (await membership.ReadAllAsync(cancellationToken)).Where(n => n.Status == NodeStatus.Dead && n.NodeId != node.NodeId))
        {
            if (await membership.MarkDeadAsync(stale, cancellationToken))
            {
                LogDeclaredDead(logger, stale.NodeId, stale.HeartbeatAt);
            }
        }

        await database.RunAsync(async () =>
        {
            await using var sweep = database.Command(SweepSql);
            sweep.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LeaseName });
            sweep.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Held!.Fence });
            sweep.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            sweep.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() - NodeHistory });
            await sweep.ExecuteNonQueryAsync(cancellationToken);
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now does the cluster housekeeping (lease fence {Fence})")]
    private static partial void LogTaken(ILogger logger, long fence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node lost the housekeeping lease (fence {Fence})")]
    private static partial void LogLost(ILogger logger, long fence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declared node {NodeId} dead: last heartbeat {HeartbeatAt}")]
    private static partial void LogDeclaredDead(ILogger logger, string nodeId, DateTimeOffset heartbeatAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster housekeeping tick failed: {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string reason);
}
