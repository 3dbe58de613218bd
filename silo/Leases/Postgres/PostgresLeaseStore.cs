using MirrorGate.Silo.Cluster;
using Npgsql;

namespace MirrorGate.Silo.Leases.Postgres;

/// <summary>
/// Leases in the cluster's PostgreSQL database (table <c>mg_lease</c>). Taking a lease is one call of
/// <c>mg_lease_acquire</c>, which gives it to exactly one of any number of racing nodes; renewing and
/// releasing are one statement each, conditioned on the fence, so a holder that lost its lease can
/// neither extend nor free its successor's. A released lease keeps its row and its fence, so fences
/// only grow.
/// </summary>
public sealed class PostgresLeaseStore(PostgresDatabase database, TimeProvider time) : ILeaseStore
{
    private const string AcquireSql = "SELECT mg_lease_acquire($1, $2, $3, $4)";

    private const string RenewSql = """
        UPDATE mg_lease SET expires_at = $5
        WHERE name = $1 AND owner = $2 AND fence = $3 AND expires_at > $4
        """;

    // Expired "since ever" rather than "since now": a node whose clock lags this one's must not see
    // a released lease as still held.
    private const string ReleaseSql = """
        UPDATE mg_lease SET expires_at = '-infinity'
        WHERE name = $1 AND owner = $2 AND fence = $3
        """;

    public async ValueTask<Lease?> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            var now = time.GetUtcNow();
            var expiresAt = now + duration;
            await using var command = database.Command(AcquireSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
            return await command.ExecuteScalarAsync(cancellationToken) is long fence ? new Lease(name, owner, fence, expiresAt) : null;
        });

    public async ValueTask<bool> RenewAsync(Lease lease, TimeSpan duration, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            var now = time.GetUtcNow();
            await using var command = database.Command(RenewSql);
            Bind(command, lease);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + duration });
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        });

    public async ValueTask ReleaseAsync(Lease lease, CancellationToken cancellationToken = default) =>
        await database.RunAsync(async () =>
        {
            await using var command = database.Command(ReleaseSql);
            Bind(command, lease);
            await command.ExecuteNonQueryAsync(cancellationToken);
        });

    private static void Bind(NpgsqlCommand command, Lease lease)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lease.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lease.Owner });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lease.Fence });
    }
}
