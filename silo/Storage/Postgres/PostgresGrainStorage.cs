using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Notifications.Postgres;
using MirrorGate.Silo.Runtime;
using Npgsql;

namespace MirrorGate.Silo.Storage.Postgres;

/// <summary>
/// Grain storage in the cluster's PostgreSQL database. See <see cref="IGrainStorage"/> for the
/// invariants. Each update is one statement that also tells the other nodes the state moved on
/// (<c>pg_notify</c>, delivered only if the write commits), so their activations of the same grain
/// reload before their next turn instead of serving a stale copy; that costs no extra round trip.
/// </summary>
public sealed class PostgresGrainStorage(PostgresDatabase database, SiloIdentity node, TimeProvider time) : IGrainStorage
{
    private const string ReadSql = """
        SELECT payload, version FROM mg_grain_state
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    // A first write is not announced: NOTIFY takes one server-wide lock through each notifying commit,
    // and every chat turn inserts a new conversation, so announcing inserts serialised all of them
    // (bench/results/cluster.md). Other nodes' copies that read "never stored" re-read before each call
    // instead (GrainRuntimeOptions.ReloadEmptyStates).
    private const string InsertSql = """
        INSERT INTO mg_grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
        VALUES ($1, $2, $3, $4, 1, $5)
        ON CONFLICT DO NOTHING
        RETURNING version
        """;

    private const string UpdateSql = """
        WITH written AS (
            UPDATE mg_grain_state SET payload = $4, version = version + 1, modified_at = $5
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8
            RETURNING version)
        SELECT version, pg_notify($6, $7 || version) FROM written
        """;

    public Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        await using var command = database.Command(ReadSql);
        Bind(command, id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        return new StoredState(payload, reader.GetInt64(1));
    });

    public Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(id, payload.ToArray(), expectedVersion, cancellationToken);

    public Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(id, null, expectedVersion, cancellationToken);

    private Task<StorageWriteResult> ExecuteWriteAsync(GrainStateId id, byte[]? payload, long? expectedVersion, CancellationToken cancellationToken) => database.RunAsync(async () =>
    {
        await using var command = database.Command(expectedVersion is null ? InsertSql : UpdateSql);
        Bind(command, id);
        command.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = payload, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        if (expectedVersion is { } version)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.Channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresChangeNotifier.Payload(node.NodeId, GrainStateInvalidation.Topic, GrainStateInvalidation.KeyPrefix(id)) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        }

        var written = await command.ExecuteScalarAsync(cancellationToken);
        return written is long newVersion ? StorageWriteResult.Written(newVersion) : StorageWriteResult.Conflict;
    });

    private static void Bind(NpgsqlCommand command, GrainStateId id)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.GrainType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.StateName });
    }
}
