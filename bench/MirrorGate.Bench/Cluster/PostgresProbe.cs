using Npgsql;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// The bench's own view of the cluster's PostgreSQL (a superuser connection, application name
/// <c>mg-bench-probe</c>): server facts, <c>pg_stat_statements</c> snapshots, statement logging switched on and
/// off for the round-trip count, and a sampler of what the nodes' active backends wait on during a run.
/// </summary>
internal sealed class PostgresProbe : IAsyncDisposable
{
    public const string ApplicationName = "mg-bench-probe";

    private readonly NpgsqlDataSource _source;

    private PostgresProbe(NpgsqlDataSource source) => _source = source;

    public string Version { get; private set; } = "?";

    /// <summary>fsync, synchronous_commit, shared_buffers, max_connections as the server runs them.</summary>
    public string Settings { get; private set; } = "?";

    public int PostmasterPid { get; private set; }

    /// <summary>Whether <c>pg_stat_statements</c> could be created (it needs <c>shared_preload_libraries</c>).</summary>
    public bool HasStatements { get; private set; }

    public static async Task<PostgresProbe> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName, Pooling = true, MaxPoolSize = 4 };
        var probe = new PostgresProbe(NpgsqlDataSource.Create(builder.ConnectionString));
        try
        {
            probe.Version = (string)(await probe.ScalarAsync("SHOW server_version", cancellationToken))!;
            probe.Settings = (string)(await probe.ScalarAsync(
                "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'wal_level')",
                cancellationToken))!;
            var backend = (int)(await probe.ScalarAsync("SELECT pg_backend_pid()", cancellationToken))!;
            probe.PostmasterPid = CpuMeter.ParentOf(backend);
            try
            {
                await probe.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancellationToken);
                await probe.ScalarAsync("SELECT count(*) FROM pg_stat_statements", cancellationToken);
                probe.HasStatements = true;
            }
            catch (PostgresException)
            {
                probe.HasStatements = false;
            }

            return probe;
        }
        catch
        {
            await probe.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Per statement (queryid): its text, calls and total execution time so far, of every database user but this probe.</summary>
    public async Task<Dictionary<long, StatementTotals>> StatementsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, StatementTotals>();
        if (!HasStatements)
        {
            return result;
        }

        await using var command = _source.CreateCommand("""
            SELECT s.queryid, s.query, s.calls, s.total_exec_time
            FROM pg_stat_statements s
            WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.queryid IS NOT NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt64(0)] = new StatementTotals(reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3));
        }

        return result;
    }

    /// <summary>
    /// Turns on one log line per statement with its duration (<c>log_min_duration_statement = 0</c>), a prefix
    /// with millisecond UTC time, backend pid and application name, and lock-wait lines; applies at once.
    /// </summary>
    public async Task LogStatementsAsync(bool on, CancellationToken cancellationToken)
    {
        if (on)
        {
            await ExecuteAsync("ALTER SYSTEM SET log_min_duration_statement = 0", cancellationToken);
            await ExecuteAsync("ALTER SYSTEM SET log_line_prefix = '%m [%p] app=%a '", cancellationToken);
            await ExecuteAsync("ALTER SYSTEM SET log_timezone = 'UTC'", cancellationToken);
        }
        else
        {
            await ExecuteAsync("ALTER SYSTEM RESET log_min_duration_statement", cancellationToken);
        }

        await ScalarAsync("SELECT pg_reload_conf()", cancellationToken);
        await Task.Delay(300, cancellationToken);
    }

    /// <summary>
    /// Logs every lock wait longer than 20 ms (<c>log_lock_waits</c>, <c>deadlock_timeout</c>), so long waits can be
    /// counted, and times WAL flushes (<c>track_wal_io_timing</c>, read in <c>pg_stat_wal</c>).
    /// </summary>
    public async Task ConfigureAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("ALTER SYSTEM SET track_wal_io_timing = on", cancellationToken);
        await ExecuteAsync("ALTER SYSTEM SET log_lock_waits = on", cancellationToken);
        await ExecuteAsync("ALTER SYSTEM SET deadlock_timeout = '20ms'", cancellationToken);
        await ExecuteAsync("ALTER SYSTEM SET log_line_prefix = '%m [%p] app=%a '", cancellationToken);
        await ExecuteAsync("ALTER SYSTEM SET log_timezone = 'UTC'", cancellationToken);
        await ScalarAsync("SELECT pg_reload_conf()", cancellationToken);
    }

    /// <summary>Takes back every setting this probe changed (the server may be someone's own).</summary>
    public async Task ResetSettingsAsync()
    {
        foreach (var name in new[] { "log_min_duration_statement", "log_line_prefix", "log_timezone", "log_lock_waits", "deadlock_timeout", "track_wal_io_timing" })
        {
            await ExecuteAsync($"ALTER SYSTEM RESET {name}", CancellationToken.None);
        }

        await ScalarAsync("SELECT pg_reload_conf()", CancellationToken.None);
    }

    /// <summary>WAL flushes (<c>fsync</c>/<c>fdatasync</c> of the log, by backends at commit and by the WAL writer) and their total time so far.</summary>
    public async Task<(long Syncs, double SyncMs)> WalAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("SELECT wal_sync, wal_sync_time FROM pg_stat_wal");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetDouble(1)) : (0, 0);
    }

    /// <summary>
    /// Waits until no node has a statement or transaction in progress (every 10 ms, at most <paramref name="limit"/>)
    /// and returns how long that took: work a node still does for requests whose answers already went out
    /// (conversation writes queued behind a lock) shows up here.
    /// </summary>
    public async Task<TimeSpan> WaitQuietAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var command = _source.CreateCommand("SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE 'mg-node-%' AND state <> 'idle'");
        while (started.Elapsed < limit && (int)(await command.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            await Task.Delay(10, cancellationToken);
        }

        return started.Elapsed;
    }

    /// <summary>Samples, every 25 ms until stopped, what the nodes' active backends wait on (CPU when nothing).</summary>
    public WaitSampler SampleWaits() => new(_source);

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal sealed class WaitSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
        private bool _stopped;

        public WaitSampler(NpgsqlDataSource source) => _loop = Task.Run(() => LoopAsync(source));

        public int Samples { get; private set; }

        public async Task<(int Samples, Dictionary<string, long> Counts)> StopAsync()
        {
            _stopped = true;
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                // A sample cut short.
            }

            return (Samples, new Dictionary<string, long>(_counts, StringComparer.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stopped)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private async Task LoopAsync(NpgsqlDataSource source)
        {
            await using var connection = await source.OpenConnectionAsync(_stop.Token);
            await using var command = new NpgsqlCommand("""
                SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'), count(*)::int
                FROM pg_stat_activity WHERE state = 'active' AND application_name LIKE 'mg-node-%'
                GROUP BY 1
                """, connection);
            await command.PrepareAsync(_stop.Token);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                while (await reader.ReadAsync(_stop.Token))
                {
                    var key = reader.GetString(0);
                    _counts[key] = _counts.GetValueOrDefault(key) + reader.GetInt32(1);
                }

                Samples++;
            }
        }
    }
}

/// <summary>One statement's totals in <c>pg_stat_statements</c>.</summary>
internal sealed record StatementTotals(string Query, long Calls, double TotalMs);
