using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MirrorGate.Silo.Cluster.Membership;

/// <summary>
/// The membership table (<c>mg_node</c>) as Orleans keeps it: one row per node run, a heartbeat that
/// is a plain update and never brings back a row that has left or was declared dead, and status
/// changes that bump the row's version and are conditioned on the version read, so a status change
/// decided on a stale read is refused rather than written over a newer one.
/// </summary>
public sealed class MembershipTable(PostgresDatabase database, SiloIdentity node, IOptions<ClusterOptions> options, TimeProvider time)
{
    private const string Active = "active";
    private const string Left = "left";
    private const string Dead = "dead";

    // The CTE's insert is invisible to the second SELECT, so exactly one row comes back: the new row's
    // status, or the status of the row this node id already has (a retried join after a lost answer).
    private const string JoinSql = """
        WITH joined AS (
            INSERT INTO mg_node (node_id, address, status, version, started_at, heartbeat_at, load)
            VALUES ($1, $2, 'active', 1, $3, $3, $4)
            ON CONFLICT (node_id) DO NOTHING
            RETURNING status)
        SELECT status FROM joined
        UNION ALL
        SELECT status FROM mg_node WHERE node_id = $1
        """;

    private const string HeartbeatSql = """
        UPDATE mg_node SET heartbeat_at = $2, load = $3
        WHERE node_id = $1 AND status = 'active'
        """;

    private const string ReadOneSql = "SELECT status, version FROM mg_node WHERE node_id = $1";

    private const string LeaveSql = """
        UPDATE mg_node SET status = 'left', version = version + 1, heartbeat_at = $3
        WHERE node_id = $1 AND version = $2 AND status = 'active'
        """;

    private const string MarkDeadSql = """
        UPDATE mg_node SET status = 'dead', version = version + 1
        WHERE node_id = $1 AND version = $2 AND status = 'active' AND heartbeat_at <= $3
        """;

    private const string ReadAllSql = """
        SELECT node_id, address, status, version, started_at, heartbeat_at, load FROM mg_node
        ORDER BY started_at, node_id
        """;

    public string NodeId => node.NodeId;

    /// <summary>Writes this node's row as active with version 1; true when this node's row is active afterwards.</summary>
    public Task<bool> JoinAsync(int load, CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        await using var command = database.Command(JoinSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = options.Value.Address, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = load });
        return await command.ExecuteScalarAsync(cancellationToken) as string == Active;
    });

    /// <summary>
    /// Records that this node is alive with <paramref name="load"/> activations. False when its row is
    /// gone, has left or was declared dead: then the heartbeat changes nothing.
    /// </summary>
    public Task<bool> HeartbeatAsync(int load, CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        await using var command = database.Command(HeartbeatSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = load });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    });

    /// <summary>
    /// Marks this node as left (a graceful stop). True when it did; false when the row was no longer
    /// active (declared dead meanwhile: that is final and stays).
    /// </summary>
    public Task<bool> LeaveAsync(CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        // Orleans' rule: a conditional write that loses re-reads and decides again, never overwrites.
        while (true)
        {
            long version;
            await using (var read = database.Command(ReadOneSql))
            {
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeId });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken) || reader.GetString(0) != Active)
                {
                    return false;
                }

                version = reader.GetInt64(1);
            }

            await using var write = database.Command(LeaveSql);
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeId });
            write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            write.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            if (await write.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return true;
            }
        }
    });

    /// <summary>
    /// Declares <paramref name="seen"/> dead for good, if its row is still at the version read and its
    /// heartbeat is still too old; false when the row moved on (it heartbeated, left or was declared
    /// dead by someone else). The dead node's later heartbeats change nothing.
    /// </summary>
    public Task<bool> MarkDeadAsync(ClusterNode seen, CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        await using var command = database.Command(MarkDeadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = seen.NodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seen.Version });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() - options.Value.NodeDeadAfter });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    });

    /// <summary>Every node run in the table, oldest first, with stale heartbeats shown as dead.</summary>
    public Task<IReadOnlyList<ClusterNode>> ReadAllAsync(CancellationToken cancellationToken) => database.RunAsync<IReadOnlyList<ClusterNode>>(async () =>
    {
        var staleBefore = time.GetUtcNow() - options.Value.NodeDeadAfter;
        await using var command = database.Command(ReadAllSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var nodes = new List<ClusterNode>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var heartbeatAt = reader.GetFieldValue<DateTimeOffset>(5);
            var status = ParseStatus(reader.GetString(2));
            nodes.Add(new ClusterNode(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                status == NodeStatus.Active && heartbeatAt <= staleBefore ? NodeStatus.Dead : status,
                reader.GetInt64(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                heartbeatAt,
                reader.GetInt32(6)));
        }

        return nodes;
    });

    private static NodeStatus ParseStatus(string status) => status switch
    {
        Active => NodeStatus.Active,
        Left => NodeStatus.Left,
        Dead => NodeStatus.Dead,
        _ => throw new InvalidOperationException($"Unknown node status '{status}' in mg_node."),
    };
}
