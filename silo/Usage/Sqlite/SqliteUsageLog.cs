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

    // Fixed-width UTC text sorts in time order, so the index on `at` serves range reads.
    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
