using System.Net.Sockets;
using MirrorGate.GrainInterfaces.Runtime;
using Npgsql;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// The shared PostgreSQL database of a cluster: one pooled <see cref="NpgsqlDataSource"/> per node, with
/// automatic preparation of the statements used most (the hot path's few statements become prepared
/// statements on every pooled connection), and one translation of "cannot reach the database" into
/// <see cref="StorageUnavailableException"/> for every provider.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _listenerConnectionString;

    public PostgresDatabase(ClusterOptions options)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.Postgres);
        Schema = options.EffectiveSchema;
        connection.SearchPath = Schema;
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 64;
            connection.AutoPrepareMinUsages = 2;
        }

        connection.ApplicationName ??= "mirrorgate";

        // No statement changes session state (the schema comes with the connection), so a connection
        // going back to the pool needs no reset: that saved 0.2-0.8 ms of server CPU per chat request
        // (bench/results/cluster.md).
        connection.NoResetOnClose = true;
        Address = $"{connection.Host}:{connection.Port}/{connection.Database}";
        Channel = "mirrorgate_" + Schema;
        DataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();

        // The listening connection is long-lived and not pooled, and says what it is in pg_stat_activity.
        connection.ApplicationName = ListenerApplicationName(Schema);
        connection.Pooling = false;
        _listenerConnectionString = connection.ConnectionString;
    }

    /// <summary>Host, port and database name, for messages (never the password).</summary>
    public string Address { get; }

    public string Schema { get; }

    /// <summary>The LISTEN/NOTIFY channel of this cluster (one per schema, so clusters sharing a database stay apart).</summary>
    public string Channel { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The <c>application_name</c> of a node's LISTEN connection for a schema (operators can find it in pg_stat_activity).</summary>
    public static string ListenerApplicationName(string schema) => "mirrorgate listener " + schema;

    /// <summary>A new, unpooled connection for LISTEN; the caller owns it.</summary>
    public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_listenerConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>A command on a pooled connection; dispose it (the connection goes back to the pool).</summary>
    public NpgsqlCommand Command(string sql) => DataSource.CreateCommand(sql);

    /// <summary>Runs <paramref name="work"/>, turning a lost or refused connection into <see cref="StorageUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}})"/>
    public async Task RunAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public StorageUnavailableException Unavailable(Exception cause) =>
        new($"The cluster database at {Address} cannot be reached: {cause.Message}", cause);

    /// <summary>
    /// True for failures that mean "the database is not there right now" (connection refused or lost,
    /// server shutting down or starting, too many connections), as opposed to a bug in a statement.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => false,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300",
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
