using MirrorGate.Silo.Cluster;
using Npgsql;
using NpgsqlTypes;

namespace MirrorGate.Silo.Usage.Postgres;

/// <summary>Usage records in the cluster database: record and counters in one function call (one round trip).</summary>
public sealed class PostgresUsageLog(PostgresDatabase database) : IUsageLog
{
    private const string RecordSql = "SELECT mg_usage_record($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

    public Task<bool> RecordAsync(UsageRecord record, IReadOnlyList<CounterIncrement> counters, CancellationToken cancellationToken = default) => database.RunAsync(async () =>
    {
        await using var command = database.Command(RecordSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.RequestId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.At });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Model });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = record.AccountId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = record.UserName, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.NodeId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.PromptTokens });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.CompletionTokens });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counters.Select(c => c.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counters.Select(c => c.Delta).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>
        {
            TypedValue = counters.Select(c => c.TimeToLive is { } ttl ? record.At + ttl : (DateTimeOffset?)null).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });
}
