using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
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

    private static async Task AssertSettingsAsync(SqliteConnection connection)
    {
        Assert.Equal(10000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // 1 = NORMAL
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync(CancellationToken.None);
    }
}
