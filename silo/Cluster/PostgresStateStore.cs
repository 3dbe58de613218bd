using System.Data.Common;
using System.Net.Sockets;
using MirrorGate.Silo.Hosting;
using MirrorGate.Grains.Ledger;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Ledger;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Usage;
using Npgsql;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// The cluster's PostgreSQL: one pooled <see cref="NpgsqlDataSource"/> per node on the configured schema (its
/// search path), with automatic preparation of the statements used most, and no session reset when a connection
/// goes back to the pool (no statement changes session state).
/// </summary>
public sealed partial class PostgresStateStore : StateStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresStateStore> _logger;

    public PostgresStateStore(ClusterModeOptions options, ILogger<PostgresStateStore> logger)
    {
        _logger = logger;
        UsageLedger = new PostgresUsageLedger(this);
        LedgerStore = new SqlLedgerStore(this, sequenceColumn: "seq");
        var connection = new NpgsqlConnectionStringBuilder(options.Postgres);
        Schema = options.EffectiveSchema;
        connection.SearchPath = Schema;
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 64;
            connection.AutoPrepareMinUsages = 2;
        }

        connection.ApplicationName ??= "mirrorgate";
        connection.NoResetOnClose = true;
        Address = $"PostgreSQL at {connection.Host}:{connection.Port}/{connection.Database}";
        _dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
    }

    public string Schema { get; }

    public override string Invariant => "Npgsql";

    public override DbDataSource DataSource => _dataSource;

    public NpgsqlDataSource Npgsql => _dataSource;

    public override string Address { get; }

    public override IUsageLedger UsageLedger { get; }

    public override ILedgerStore LedgerStore { get; }

    /// <summary>
    /// Applies the embedded <c>Schema/Postgres/NNN_*.sql</c> migrations that are missing, each in its own transaction
    /// with its row in <c>mg_schema</c>. A session advisory lock makes nodes that start together take turns.
    /// </summary>
    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtext('mirrorgate-schema:' || $1))", cancellationToken, Schema);
        try
        {
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"", cancellationToken);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS mg_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM mg_schema", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var (version, name, sql) in SchemaScripts.For("Postgres").Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO mg_schema (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(_logger, version, name, Schema);
            }
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtext('mirrorgate-schema:' || $1))", CancellationToken.None, Schema);
        }
    }

    /// <summary>Connection refused or lost, server shutting down or starting, too many connections.</summary>
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300",
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, string? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) in schema {Schema}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string schema);
}
