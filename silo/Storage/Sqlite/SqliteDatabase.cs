using Microsoft.Data.Sqlite;

namespace MirrorGate.Silo.Storage.Sqlite;

/// <summary>
/// The embedded node's database file. WAL journaling lets pooled readers run beside the writer.
/// Writes go one at a time through <see cref="BeginWriteAsync"/> on one long-lived connection:
/// SQLite takes one writer anyway, and when two connections collide Microsoft.Data.Sqlite retries
/// after a fixed ~150 ms sleep (measured in bench/results/experiments.md), which turned every
/// collision into a 150 ms stall. Queuing in-process costs microseconds instead.
/// </summary>
public sealed class SqliteDatabase : IDisposable
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
        -- One row per served request; the request id is the idempotency key.
        CREATE TABLE IF NOT EXISTS usage_record (
            request_id        TEXT    NOT NULL PRIMARY KEY,
            at                TEXT    NOT NULL,
            model             TEXT    NOT NULL,
            account_id        TEXT    NULL,
            user_name         TEXT    NULL,
            node_id           TEXT    NOT NULL,
            prompt_tokens     INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS usage_record_at ON usage_record (at);
        """;

    // synchronous = NORMAL with WAL keeps commits atomic and durable across a process crash; only an
    // OS crash may lose the last commits. busy_timeout covers another process writing the same file.
    private const string WriterSetup = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;

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

    /// <summary>A pooled connection for reading.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Waits for the write turn; dispose the scope to give it up.</summary>
    public async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (_writer is null)
            {
                _writer = new SqliteConnection(_connectionString);
                _writer.Open();
                using var setup = _writer.CreateCommand();
                setup.CommandText = WriterSetup;
                setup.ExecuteNonQuery();
            }

            return new WriteScope(this);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _writer?.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>The write turn: prepared commands on the writing connection, valid until disposed.</summary>
    public readonly struct WriteScope(SqliteDatabase database) : IDisposable
    {
        /// <summary>The statement, prepared once per database and reused with fresh parameters.</summary>
        public SqliteCommand Command(string sql)
        {
            if (!database._prepared.TryGetValue(sql, out var command))
            {
                command = database._writer!.CreateCommand();
                command.CommandText = sql;
                command.Prepare();
                database._prepared[sql] = command;
            }

            command.Parameters.Clear();
            return command;
        }

        public void Dispose() => database._writeGate.Release();
    }
}
