using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Embedded;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Silo.Usage;

/// <summary>Usage records of the embedded node, in its SQLite file (times as Unix milliseconds).</summary>
public sealed class SqliteUsageLedger(SqliteStateStore store) : IUsageLedger
{
    private const string CountUserSql = "SELECT count(*) FROM mg_usage WHERE user_name = $user AND at_ms >= $since";

    private const string CountAccountSql = """
        SELECT model, (at_ms - $since) / 3600000 AS bucket, count(*)
        FROM mg_usage WHERE account_id = $account AND at_ms >= $since
        GROUP BY model, bucket
        """;

    private readonly UsageWriter _writer = new(store);

    /// <summary>One transaction on the ledger's own connection, its insert prepared once and run per record.</summary>
    public async Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        await store.WriterGate.WaitAsync(cancellationToken);
        try
        {
            return _writer.Insert(records);
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The usage ledger ({store.Address}) cannot be written right now: {ex.Message}", ex);
        }
        finally
        {
            store.WriterGate.Release();
        }
    }

    /// <summary>Closes the writer's connection (the store does, before its last checkpoint).</summary>
    internal void Close() => _writer.Dispose();

    public Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = new SqliteCommand(CountUserSql, connection);
        command.Parameters.AddWithValue("$user", userName);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }, cancellationToken);

    public Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = new SqliteCommand(CountAccountSql, connection);
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = ImmutableArray.CreateBuilder<HourlyCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new HourlyCount(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        }

        return counts.ToImmutable();
    }, cancellationToken);

    public Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        var list = new ListQuery("at_ms", "request_id", static at => at.ToUnixTimeMilliseconds())
            .Equal("user_name", query.UserName).Equal("model", query.Model).Equal("account_id", query.AccountId).Window(query.Page);
        await using var command = list.Command(connection, "request_id, at_ms, model, account_id, user_name, node_id, prompt_tokens, completion_tokens", "mg_usage");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<UsageRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageRecord(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
        }

        return rows.ToImmutable();
    }, cancellationToken);

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = (SqliteConnection)await store.DataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The usage ledger ({store.Address}) cannot be written right now: {ex.Message}", ex);
        }
    }
}
