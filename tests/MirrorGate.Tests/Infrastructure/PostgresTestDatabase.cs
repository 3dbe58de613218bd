using MirrorGate.Silo.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A fresh schema in the test PostgreSQL server, migrated and dropped again on dispose, so tests that
/// share the server never see each other's rows or notifications. The server comes from
/// <c>deploy/test.sh</c>, which starts one and sets <c>MIRRORGATE_TEST_POSTGRES</c>.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "MIRRORGATE_TEST_POSTGRES";

    private PostgresTestDatabase(ClusterOptions options)
    {
        Options = options;
        Database = new PostgresDatabase(options);
    }

    public static string ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"The PostgreSQL tests need a server: run them with `bash deploy/test.sh`, which starts one, or set {EnvironmentVariable} to a connection string.");

    public ClusterOptions Options { get; }

    public PostgresDatabase Database { get; }

    public string Schema => Options.EffectiveSchema;

    /// <summary>Settings that put a gateway or silo node on this schema.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cluster:Postgres"] = Options.Postgres,
        ["Cluster:Schema"] = Options.Schema,
    };

    /// <param name="connectionString">Another server than the shared test server (e.g. a <see cref="PrivatePostgres"/>).</param>
    public static async Task<PostgresTestDatabase> CreateAsync(string? connectionString = null)
    {
        // Tests run in parallel, several nodes each, against one server: keep every node's pool small.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString ?? ConnectionString) { MaxPoolSize = 10 }.ConnectionString;
        var database = new PostgresTestDatabase(new ClusterOptions { Postgres = pooled, Schema = "t_" + Guid.NewGuid().ToString("N")[..16] });
        await new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Another node's view of this schema: a connection pool of its own (small, as every test node's). Dispose it.</summary>
    public PostgresDatabase OpenNode() => new(Options);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await using var source = NpgsqlDataSource.Create(Options.Postgres!);
        await using var drop = source.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}
