using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// Creates and upgrades the cluster schema at start. Migrations are the embedded <c>Schema/NNN_*.sql</c>
/// files, applied in order, each in its own transaction together with its row in
/// <c>mg_schema_version</c>. A session advisory lock makes nodes that start together take turns: the
/// first applies what is missing, the others find it applied. Running it again changes nothing.
/// </summary>
public sealed partial class SchemaMigrator(PostgresDatabase database, ILogger<SchemaMigrator> logger)
{
    private const string ResourcePrefix = "MirrorGate.Schema.";

    /// <summary>The migrations this build knows, by version number.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies every missing migration; returns how many were applied by this call.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtext('mirrorgate-schema:' || $1))", cancellationToken, database.Schema);
        try
        {
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS \"{database.Schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS mg_schema_version (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);

            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM mg_schema_version", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var count = 0;
            foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO mg_schema_version (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, version, name, database.Schema);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtext('mirrorgate-schema:' || $1))", CancellationToken.None, database.Schema);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, string? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[ResourcePrefix.Length..^".sql".Length];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (int.Parse(name[..3], CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) in schema {Schema}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string schema);
}
