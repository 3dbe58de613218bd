using System.Collections.Immutable;
using System.Data.Common;
using MirrorGate.GrainInterfaces.Audit;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.Grains.Audit;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Silo.Audit;

/// <summary>
/// The audit log on the node's database, SQLite or PostgreSQL: both accept the same SQL here (named parameters,
/// <c>ON CONFLICT DO NOTHING</c>, <c>LIMIT/OFFSET</c>), so one class serves both and the contract tests run it on each.
/// </summary>
public sealed class SqlAuditStore(StateStore store) : IAuditStore
{
    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = Command(connection, """
            INSERT INTO mg_audit (entry_id, at_ms, actor, role, method, route, target, summary, status)
            VALUES (@id, @at, @actor, @role, @method, @route, @target, @summary, @status)
            ON CONFLICT DO NOTHING
            """,
            ("id", entry.Id), ("at", entry.At.ToUnixTimeMilliseconds()), ("actor", entry.Actor), ("role", entry.Role), ("method", entry.Method),
            ("route", entry.Route), ("target", entry.Target), ("summary", entry.Summary), ("status", entry.Status));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken);

    public Task<AuditPage> ListAsync(int page, int pageSize, string? actor, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        var where = actor is null ? string.Empty : "WHERE actor = @actor";
        long total;
        await using (var count = Command(connection, $"SELECT count(*) FROM mg_audit {where}", ("actor", actor)))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        var entries = ImmutableArray.CreateBuilder<AuditEntry>();
        await using var query = Command(connection, $"""
            SELECT entry_id, at_ms, actor, role, method, route, target, summary, status FROM mg_audit {where}
            ORDER BY at_ms DESC, seq DESC LIMIT @limit OFFSET @offset
            """, ("actor", actor), ("limit", pageSize), ("offset", (long)(page - 1) * pageSize));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7), reader.GetInt32(8)));
        }

        return new AuditPage(total, entries.ToImmutable());
    }, cancellationToken);

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        DbCommands.Create(connection, null, sql, parameters);

    private async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The audit log ({store.Address}) cannot be reached right now: {ex.Message}", ex);
        }
    }
}
