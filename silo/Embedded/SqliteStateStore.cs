using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using MirrorGate.Grains.Ledger;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Ledger;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Usage;

namespace MirrorGate.Silo.Embedded;

/// <summary>
/// The embedded node's database: one SQLite file in the data folder holding grain state, reminders and usage. WAL
/// journaling lets readers run beside the one writer; every connection waits for the writer's lock inside SQLite
/// (<c>busy_timeout</c>) instead of failing or sleeping in coarse steps, and commits with <c>synchronous=NORMAL</c>,
/// which in WAL mode is durable across a process crash (only an OS crash may lose the last commits).
/// </summary>
public sealed partial class SqliteStateStore(string path, ILogger<SqliteStateStore> logger) : StateStore
{
    private readonly ConnectionSource _source = new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString());

    /// <summary>
    /// How often the write-ahead log is folded into the file, off the writers' path (<see cref="WalCheckpoints"/>). Every
    /// second was too seldom under full load: one large checkpoint a second took a core away long enough to double the
    /// saturated 99th percentile; a quarter second keeps each one small (bench/results/peers/README.md, stop 19).
    /// </summary>
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);

    private WalCheckpoints? _checkpoints;

    /// <summary>The invariant Orleans' ADO.NET providers map to Microsoft.Data.Sqlite.</summary>
    public override string Invariant => "System.Data.SQLite";

    public override DbDataSource DataSource => _source;

    public override string Address => "SQLite file " + path;

    /// <summary>The usage records: appended to a journal beside the file, moved into <c>mg_usage</c> in the background.</summary>
    public override IUsageLedger UsageLedger => Journal;

    private UsageJournal Journal => field ??= new UsageJournal(Usage, path + "-usage", logger);

    /// <summary>The table itself (<c>mg_usage</c>), behind the journal.</summary>
    internal SqliteUsageLedger Usage => field ??= new SqliteUsageLedger(this);

    public override SemaphoreSlim WriterGate { get; } = new(1, 1);
    public override ILedgerStore LedgerStore => field ??= new SqlLedgerStore(this, sequenceColumn: "rowid");

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var connection = (SqliteConnection)await _source.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS mg_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))", cancellationToken);
        foreach (var (version, name, sql) in SchemaScripts.For("Sqlite"))
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes on one file apply each migration once.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            await using (var check = new SqliteCommand("SELECT count(*) FROM mg_schema WHERE version = $v", connection, transaction))
            {
                check.Parameters.AddWithValue("$v", version);
                if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
                {
                    continue;
                }
            }

            await using (var apply = new SqliteCommand(sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new SqliteCommand("INSERT INTO mg_schema (version, name) VALUES ($v, $n)", connection, transaction))
            {
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogApplied(logger, version, name, path);
        }

        _checkpoints ??= new WalCheckpoints(_source, CheckpointInterval, logger);
        await Journal.OpenAsync(cancellationToken);
    }

    protected override async ValueTask DisposeStoreAsync()
    {
        // The journal's last records go into the table, then the ledger's writer closes its connection (under the
        // writers' gate), then the last checkpoint folds everything into the file.
        await Journal.DisposeAsync();
        await WriterGate.WaitAsync();
        try
        {
            Usage.Close();
        }
        finally
        {
            WriterGate.Release();
        }

        if (_checkpoints is not null)
        {
            await _checkpoints.DisposeAsync();
        }
    }

    public override bool IsUnavailable(Exception exception) => exception switch
    {
        // Busy past the timeout, I/O error, disk full, cannot open, read-only file system.
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 10 or 13 or 14 or 8,
        IOException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) to {Path}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string path);

    /// <summary>
    /// Opens pooled connections and sets the per-connection settings the file needs, once per underlying SQLite
    /// connection: the pool hands the same handle out again with its settings kept, and running the pragmas on every
    /// open was two statements parsed and run per grain write and per usage batch (issue 9's profile).
    /// </summary>
    private sealed class ConnectionSource(string connectionString) : DbDataSource
    {
        // wal_autocheckpoint: WalCheckpoints folds the log in; 20 000 pages (80 MB) is only the safety net.
        private const string Setup = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = 20000;";

        private static readonly object Configured = new();

        private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

        public override string ConnectionString => connectionString;

        protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

        protected override DbConnection OpenDbConnection()
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            if (NeedsSetup(connection))
            {
                using var setup = new SqliteCommand(Setup, connection);
                setup.ExecuteNonQuery();
                _configured.AddOrUpdate(connection.Handle!, Configured);
            }

            return connection;
        }

        protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            if (NeedsSetup(connection))
            {
                await using var setup = new SqliteCommand(Setup, connection);
                await setup.ExecuteNonQueryAsync(cancellationToken);
                _configured.AddOrUpdate(connection.Handle!, Configured);
            }

            return connection;
        }

        private bool NeedsSetup(SqliteConnection connection) => !_configured.TryGetValue(connection.Handle!, out _);
    }
}
