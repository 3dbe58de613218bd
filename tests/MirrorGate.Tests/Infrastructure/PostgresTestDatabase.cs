using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A fresh schema in the test PostgreSQL server, migrated, and dropped again on dispose, so tests that share the
/// server never see each other's rows. The server comes from <c>deploy/test.sh</c>, which starts one and sets
/// <c>MIRRORGATE_TEST_POSTGRES</c>.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "MIRRORGATE_TEST_POSTGRES";

    private PostgresTestDatabase(ClusterModeOptions options)
    {
        Options = options;
        Store = new PostgresStateStore(options, NullLogger<PostgresStateStore>.Instance);
    }

    public static string ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"The PostgreSQL tests need a server: run them with `bash deploy/test.sh`, which starts one, or set {EnvironmentVariable} to a connection string.");

    public ClusterModeOptions Options { get; }

    /// <summary>The store a silo on this schema would use (its own pool; dispose is this object's).</summary>
    public PostgresStateStore Store { get; }

    public string Schema => Options.EffectiveSchema;

    /// <summary>Settings that put a node on this schema (Redis comes from <see cref="RedisTestServer"/>).</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cluster:Postgres"] = Options.Postgres,
        ["Cluster:Schema"] = Options.Schema,
    };

    /// <param name="connectionString">Another server than the shared test server.</param>
    public static async Task<PostgresTestDatabase> CreateAsync(string? connectionString = null)
    {
        // Tests run in parallel, several nodes each, against one server: keep every pool small.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString ?? ConnectionString) { MaxPoolSize = 10 }.ConnectionString;
        var database = new PostgresTestDatabase(new ClusterModeOptions { Postgres = pooled, Schema = "t_" + Guid.NewGuid().ToString("N")[..16] });
        await database.Store.MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Another node's view of this schema: a connection pool of its own. Dispose it.</summary>
    public PostgresStateStore OpenNode() => new(Options, NullLogger<PostgresStateStore>.Instance);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await using var source = NpgsqlDataSource.Create(Options.Postgres!);
        await using var drop = source.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}
