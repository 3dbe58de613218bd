using Microsoft.Data.Sqlite;

namespace MirrorGate.Silo.Storage.Sqlite;

/// <summary>
/// The embedded node's database file. WAL journaling lets readers run beside the one writer; writers
/// wait on each other through the busy timeout. The schema is created on first use.
/// </summary>
public sealed class SqliteDatabase
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        -- One row per grain state. The primary key makes the first write insert-if-absent; the version
        -- column makes every later write a compare-and-set. A cleared state keeps its row (payload NULL)
        -- so versions only grow.
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type  TEXT    NOT NULL,
            grain_key   TEXT    NOT NULL,
            state_name  TEXT    NOT NULL,
            payload     BLOB    NULL,
            version     INTEGER NOT NULL,
            modified_at TEXT    NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
