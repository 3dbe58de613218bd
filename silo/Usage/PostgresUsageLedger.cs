using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Storage;
using Npgsql;
using NpgsqlTypes;

namespace MirrorGate.Silo.Usage;

/// <summary>
/// Usage records in the cluster database, keyed by request id: a batch of records per round trip. Times go to
/// PostgreSQL in UTC (Npgsql refuses another offset for timestamptz); the day and hour bounds arrive in local time.
/// </summary>
public sealed class PostgresUsageLedger(PostgresStateStore store) : IUsageLedger
{
    private const string InsertSql = """
        INSERT INTO mg_usage (request_id, at, model, account_id, user_name, node_id, prompt_tokens, completion_tokens)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (request_id) DO NOTHING
        """;

    private const string CountUserSql = "SELECT count(*) FROM mg_usage WHERE user_name = $1 AND at >= $2";

    private const string CountAccountSql = """
        SELECT model, floor(extract(epoch FROM at - $2) / 3600)::int AS bucket, count(*)
        FROM mg_usage WHERE account_id = $1 AND at >= $2
        GROUP BY model, bucket
        """;

    /// <summary>One round trip: a batch of statements, which PostgreSQL runs in one implicit transaction (all or none).</summary>
    public Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var batch = store.Npgsql.CreateBatch();
        foreach (var record in records)
        {
            var command = new NpgsqlBatchCommand(InsertSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.RequestId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.At.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Model });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = record.AccountId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = record.UserName, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.NodeId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.PromptTokens });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.CompletionTokens });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands.Select(static (NpgsqlBatchCommand c) => c.RecordsAffected == 1).ToImmutableArray();
    });

    public Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var command = store.Npgsql.CreateCommand(CountUserSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userName });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var command = store.Npgsql.CreateCommand(CountAccountSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = ImmutableArray.CreateBuilder<HourlyCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new HourlyCount(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        }

        return counts.ToImmutable();
    });

    public Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var connection = await store.Npgsql.OpenConnectionAsync(cancellationToken);
        var list = new ListQuery("at", "request_id", static at => at.ToUniversalTime())
            .Equal("user_name", query.UserName).Equal("model", query.Model).Equal("account_id", query.AccountId).Window(query.Page);
        await using var command = list.Command(connection, "request_id, at, model, account_id, user_name, node_id, prompt_tokens, completion_tokens", "mg_usage");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<UsageRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageRecord(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
        }

        return rows.ToImmutable();
    });

    private async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The usage ledger ({store.Address}) cannot be reached right now: {ex.Message}", ex);
        }
    }
}
