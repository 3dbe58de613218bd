using System.Globalization;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Storage.Sqlite;

namespace MirrorGate.Silo.Usage.Sqlite;

/// <summary>
/// Usage records of the embedded node, in its SQLite file. The counters live in the in-process
/// counter store, so they are moved after the record is in (one node, one process: nothing else can
/// interleave, and a crash between the two loses only in-memory counts that a restart loses anyway).
/// </summary>
public sealed class SqliteUsageLog(SqliteDatabase database, ICounterStore counterStore) : IUsageLog
{
    private const string InsertSql = """
        INSERT INTO usage_record (request_id, at, model, account_id, user_name, node_id, prompt_tokens, completion_tokens)
        VALUES ($id, $at, $model, $account, $user, $node, $prompt, $completion)
        ON CONFLICT DO NOTHING;
        """;

    public async Task<bool> RecordAsync(UsageRecord record, IReadOnlyList<CounterIncrement> counters, CancellationToken cancellationToken = default)
    {
        bool inserted;
        using (var write = await database.BeginWriteAsync(cancellationToken))
        {
            var command = write.Command(InsertSql);
            command.Parameters.AddWithValue("$id", record.RequestId);
            command.Parameters.AddWithValue("$at", Format(record.At));
            command.Parameters.AddWithValue("$model", record.Model);
            command.Parameters.AddWithValue("$account", (object?)record.AccountId ?? DBNull.Value);
            command.Parameters.AddWithValue("$user", (object?)record.UserName ?? DBNull.Value);
            command.Parameters.AddWithValue("$node", record.NodeId);
            command.Parameters.AddWithValue("$prompt", record.PromptTokens);
            command.Parameters.AddWithValue("$completion", record.CompletionTokens);
            inserted = command.ExecuteNonQuery() == 1;
        }

        if (inserted)
        {
            foreach (var counter in counters)
            {
                await counterStore.AddAsync(counter.Key, counter.Delta, counter.TimeToLive, cancellationToken);
            }
        }

        return inserted;
    }

    public async Task<UsageRecord?> GetAsync(string requestId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT at, model, account_id, user_name, node_id, prompt_tokens, completion_tokens FROM usage_record WHERE request_id = $id";
        command.Parameters.AddWithValue("$id", requestId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new UsageRecord(
            requestId,
            DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetString(4),
            reader.GetInt32(5),
            reader.GetInt32(6));
    }

    public async Task<long> CountSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM usage_record WHERE at >= $since";
        command.Parameters.AddWithValue("$since", Format(since));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Fixed-width UTC text sorts in time order, so the index on `at` serves range reads.
    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
