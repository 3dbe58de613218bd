using MirrorGate.Silo.Cluster;
using Npgsql;

namespace MirrorGate.Silo.Counters.Postgres;

/// <summary>
/// Sliding windows in the cluster's PostgreSQL database: one row per use (table <c>mg_window_use</c>).
/// A reservation is one call of <c>mg_window_reserve</c>, which takes turns per key with every other
/// node, forgets the key's uses that left the window, and takes a use only below the limit, so the
/// cluster together never grants more than the limit. Release and count are one statement each.
/// </summary>
public sealed class PostgresRateWindowStore(PostgresDatabase database, TimeProvider time) : IRateWindowStore
{
    private const string ReserveSql = "SELECT granted, reservation_id, used, retry_after FROM mg_window_reserve($1, $2, $3, $4)";

    private const string ReleaseSql = "DELETE FROM mg_window_use WHERE key = $1 AND id = $2";

    private const string CountSql = "SELECT count(*)::integer FROM mg_window_use WHERE key = $1 AND taken_at > $2";

    public async ValueTask<WindowReservation> TryReserveAsync(string key, TimeSpan window, int limit, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            await using var command = database.Command(ReserveSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = window });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return reader.GetBoolean(0)
                ? WindowReservation.Grant(reader.GetInt64(1), reader.GetInt32(2))
                : WindowReservation.Refuse(reader.GetInt32(2), reader.GetFieldValue<TimeSpan>(3));
        });

    public async ValueTask ReleaseAsync(string key, long reservationId, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            await using var command = database.Command(ReleaseSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = reservationId });
            await command.ExecuteNonQueryAsync(cancellationToken);
        });

    public async ValueTask<int> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            await using var command = database.Command(CountSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() - window });
            return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        });
}
