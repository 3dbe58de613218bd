using MirrorGate.Silo.Cluster;
using Npgsql;

namespace MirrorGate.Silo.Counters.Postgres;

/// <summary>
/// Counters in the cluster's PostgreSQL database (table <c>mg_counter</c>, see
/// <c>002_counters_windows_leases.sql</c>). Each operation is one round trip: an add is one upsert that
/// restarts an expired counter from its delta, and a pick of the smallest counter is one function call
/// that locks the candidates, so every node's increments count and concurrent picks spread out.
/// </summary>
public sealed class PostgresCounterStore(PostgresDatabase database, TimeProvider time) : ICounterStore
{
    private const string AddSql = """
        INSERT INTO mg_counter AS c (key, value, expires_at) VALUES ($1, $2, $4)
        ON CONFLICT (key) DO UPDATE
        SET value = CASE WHEN c.expires_at <= $3 THEN 0 ELSE c.value END + EXCLUDED.value,
            expires_at = EXCLUDED.expires_at
        RETURNING value
        """;

    private const string GetSql = """
        SELECT value FROM mg_counter WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)
        """;

    private const string GetByPrefixSql = """
        SELECT key, value FROM mg_counter
        WHERE starts_with(key, $1) AND (expires_at IS NULL OR expires_at > $2) AND value <> 0
        """;

    private const string IncrementSmallestSql = "SELECT mg_counter_increment_smallest($1, $2, $3)";

    /// <summary>
    /// PostgreSQL's answer to two picks over overlapping keys that locked rows the other had just
    /// created; the function ran as one transaction, so it is undone and can simply run again.
    /// </summary>
    private const string DeadlockDetected = "40P01";

    public async ValueTask<long> AddAsync(string key, long delta, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            var now = time.GetUtcNow();
            await using var command = database.Command(AddSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delta });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(ExpiresAt(now, timeToLive));
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        });

    public async ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            await using var command = database.Command(GetSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            return await command.ExecuteScalarAsync(cancellationToken) is long value ? value : 0;
        });

    public async ValueTask<IReadOnlyDictionary<string, long>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        await database.RunAsync<IReadOnlyDictionary<string, long>>(async () =>
        {
            await using var command = database.Command(GetByPrefixSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            var counters = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counters[reader.GetString(0)] = reader.GetInt64(1);
            }

            return counters;
        });

    public async ValueTask<string?> IncrementSmallestAsync(IReadOnlyList<string> keys, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return null;
        }

        var candidates = keys.ToArray();
        return await database.RunAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var now = time.GetUtcNow();
                    await using var command = database.Command(IncrementSmallestSql);
                    command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = candidates });
                    command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                    command.Parameters.Add(ExpiresAt(now, timeToLive));
                    return (string?)await command.ExecuteScalarAsync(cancellationToken);
                }
                catch (PostgresException ex) when (ex.SqlState == DeadlockDetected && attempt < 3)
                {
                    // Nothing was changed; pick again.
                }
            }
        });
    }

    private static NpgsqlParameter<DateTimeOffset?> ExpiresAt(DateTimeOffset now, TimeSpan? timeToLive) =>
        new() { TypedValue = now + timeToLive, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz };
}
