using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Silo.Embedded;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// The embedded file's per-connection settings are applied once per pooled SQLite connection, not on every open:
/// whichever connection the pool hands out, it waits for the writer inside SQLite and commits with synchronous=NORMAL.
/// </summary>
public sealed class SqliteConnectionSettingsTests
{
    [Fact]
    public async Task Every_connection_the_pool_hands_out_carries_the_settings()
    {
        using var directory = new TempDirectory();
        await using var store = new SqliteStateStore(Path.Combine(directory.Path, "settings.db"), NullLogger<SqliteStateStore>.Instance);
        await store.MigrateAsync(CancellationToken.None);

        // Several open at once (new handles) and again one by one (pooled handles handed back out).
        var open = new List<SqliteConnection>();
        for (var i = 0; i < 3; i++)
        {
            open.Add((SqliteConnection)await store.DataSource.OpenConnectionAsync(CancellationToken.None));
        }

        foreach (var connection in open)
        {
            await AssertSettingsAsync(connection);
            await connection.DisposeAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            await using var again = (SqliteConnection)await store.DataSource.OpenConnectionAsync(CancellationToken.None);
            await AssertSettingsAsync(again);
        }

        using var sync = (SqliteConnection)store.DataSource.OpenConnection();
        await AssertSettingsAsync(sync);
    }

    /// <summary>
    /// The write-ahead log is folded into the file in the background, not by a writer crossing the automatic threshold
    /// (20 000 pages, far above what this test writes): the database file itself grows only when a checkpoint copies
    /// pages into it. At the end the store empties the log.
    /// </summary>
    [Fact]
    public async Task The_log_is_folded_into_the_file_in_the_background_and_emptied_at_the_end()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "checkpoints.db");
        var store = new SqliteStateStore(file, NullLogger<SqliteStateStore>.Instance);
        await store.MigrateAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the migration's own pages reach the file first
        var before = new FileInfo(file).Length;

        var now = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 5000).Select(i => new UsageRecord($"wal-{i:D6}-{Guid.NewGuid():N}", now, "model-" + (i % 7), "account", "user-" + (i % 13), "node", 10, 20)).ToList();
        Assert.All(await store.UsageLedger.RecordAsync(records), Assert.True);

        await Eventually.WaitUntilAsync(() => Task.FromResult(new FileInfo(file).Length > before + 256 * 1024), "a background checkpoint copies the new pages into the file");
        await store.DisposeAsync();
        Assert.Equal(0, new FileInfo(file + "-wal") is { Exists: true } wal ? wal.Length : 0);
    }

    private static async Task AssertSettingsAsync(SqliteConnection connection)
    {
        Assert.Equal(10000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // 1 = NORMAL
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(20000L, await ScalarAsync(connection, "PRAGMA wal_autocheckpoint"));
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync(CancellationToken.None);
    }
}
