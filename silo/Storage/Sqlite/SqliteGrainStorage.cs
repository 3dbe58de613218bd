using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MirrorGate.Silo.Storage.Sqlite;

/// <summary>Grain storage in the embedded node's SQLite file. See <see cref="IGrainStorage"/> for the invariants.</summary>
public sealed class SqliteGrainStorage(SqliteDatabase database, TimeProvider time) : IGrainStorage
{
    private const string ReadSql = """
        SELECT payload, version FROM grain_state
        WHERE grain_type = $type AND grain_key = $key AND state_name = $name;
        """;

    private const string InsertSql = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_at)
        VALUES ($type, $key, $name, $payload, 1, $now)
        ON CONFLICT DO NOTHING;
        """;

    private const string UpdateSql = """
        UPDATE grain_state SET payload = $payload, version = version + 1, modified_at = $now
        WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version;
        """;

    public async Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadSql;
        Bind(command, id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
        return new StoredState(payload, reader.GetInt64(1));
    }

    public Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(id, payload.ToArray(), expectedVersion, cancellationToken);

    public Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(id, null, expectedVersion, cancellationToken);

    /// <summary>One statement decides: the insert changes a row only if none exists, the update only at the expected version.</summary>
    private async Task<StorageWriteResult> ExecuteWriteAsync(GrainStateId id, byte[]? payload, long? expectedVersion, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var command = write.Command(expectedVersion is null ? InsertSql : UpdateSql);
        Bind(command, id);
        command.Parameters.AddWithValue("$payload", (object?)payload ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        if (expectedVersion is { } version)
        {
            command.Parameters.AddWithValue("$version", version);
        }

        var changed = command.ExecuteNonQuery();
        return changed == 1 ? StorageWriteResult.Written((expectedVersion ?? 0) + 1) : StorageWriteResult.Conflict;
    }

    private static void Bind(SqliteCommand command, GrainStateId id)
    {
        command.Parameters.AddWithValue("$type", id.GrainType);
        command.Parameters.AddWithValue("$key", id.Key);
        command.Parameters.AddWithValue("$name", id.StateName);
    }
}
