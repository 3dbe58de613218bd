using System.Collections.Immutable;
using System.Globalization;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.Grains.Ledger;
using MirrorGate.Grains.Videos;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Silo.Videos;

/// <summary>
/// The video tasks' searchable copy on the node's database, SQLite or PostgreSQL (the same SQL on both, as the
/// ledger's). One row per task, replaced whole by the task's grain; lists read it by the indexes of migration 023.
/// </summary>
public sealed class SqlVideoTaskCatalog(StateStore store) : IVideoTaskCatalog
{
    private const string Columns = "task_id, user_id, org_id, model, status, state, settlement, amount, error, created_ms, updated_ms";

    public Task UpsertAsync(VideoTaskRecord task, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        LedgerAmounts.TryToMicros(task.Amount, out var amount);
        await using var command = DbCommands.Create(connection, null, $"""
            INSERT INTO mg_video_task ({Columns})
            VALUES (@id, @user, @org, @model, @status, @state, @settlement, @amount, @error, @created, @updated)
            ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, state = excluded.state, settlement = excluded.settlement,
                error = excluded.error, updated_ms = excluded.updated_ms
            """, new (string, object?)[]
        {
            ("id", task.TaskId), ("user", task.UserId), ("org", task.OrgId), ("model", task.Model), ("status", task.Status), ("state", task.State),
            ("settlement", task.Settlement.ToString()), ("amount", amount), ("error", task.Error), ("created", task.CreatedAt.ToUnixTimeMilliseconds()),
            ("updated", task.UpdatedAt.ToUnixTimeMilliseconds()),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    });

    public Task<ImmutableArray<VideoTaskRecord>> QueryAsync(VideoTaskQuery query, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        var list = new ListQuery("created_ms", "task_id", static at => at.ToUnixTimeMilliseconds())
            .Equal("user_id", query.UserId).Equal("org_id", query.OrgId).Equal("status", query.Status).Window(query.Page);
        await using var command = list.Command(connection, Columns, "mg_video_task");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<VideoTaskRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new VideoTaskRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                Enum.Parse<VideoSettlement>(reader.GetString(6)), LedgerAmounts.FromMicros(reader.GetInt64(7)), reader.IsDBNull(8) ? null : reader.GetString(8),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }

        return rows.ToImmutable();
    });

    public Task<ImmutableDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM mg_video_task GROUP BY status";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts.ToImmutable();
    });

    private async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture, $"The video task list ({store.Address}) cannot be reached right now: {ex.Message}"), ex);
        }
    }
}
