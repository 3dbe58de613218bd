using System.Data.Common;
using System.Text;
using System.Text.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// Account tokens are bearer credentials to paid upstream accounts: a copied SQLite file or a PostgreSQL dump must
/// not hand them out. Checked on the raw rows, below the serializer that is supposed to encrypt them.
/// </summary>
public abstract class SecretsAtRestTests(StorageClusterFixture fixture)
{
    [Fact]
    public async Task A_registered_account_is_stored_with_its_tokens_encrypted_under_a_key_naming_its_grain_type()
    {
        var cluster = fixture.Cluster;
        var email = $"at-rest-{Guid.NewGuid():N}@example.com";
        var account = cluster.Simulator.AddAccount(email, "plus");
        var originalRefreshToken = account.RefreshToken;

        var registered = await cluster.Grains.GetGrain<IAccountGrain>(email).RegisterAsync(new AccountRegistration(null, new Secret(originalRefreshToken), null));
        Assert.True(registered.Succeeded, registered.Message);

        var rows = await ReadAccountRowsAsync(cluster.StoreOf(cluster.Cluster.Silos[0]).DataSource, email);
        var (key, payload) = Assert.Single(rows);
        Assert.StartsWith("account/", key, StringComparison.Ordinal);

        // The stored tokens are there, encrypted ...
        using var json = JsonDocument.Parse(payload);
        Assert.StartsWith("v1:", json.RootElement.GetProperty("accessToken").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("v1:", json.RootElement.GetProperty("refreshToken").GetString(), StringComparison.Ordinal);

        // ... and no token the account ever had appears in clear anywhere in the row.
        foreach (var token in new[] { account.AccessToken, account.RefreshToken, originalRefreshToken })
        {
            Assert.False(string.IsNullOrEmpty(token));
            Assert.DoesNotContain(token, payload, StringComparison.Ordinal);
        }
    }

    /// <summary>The account grain's rows (state name "account") whose key holds <paramref name="email"/>.</summary>
    private static async Task<List<(string Key, string Payload)>> ReadAccountRowsAsync(DbDataSource dataSource, string email)
    {
        var rows = new List<(string, string)>();
        await using var command = dataSource.CreateCommand("SELECT key_ext, payload FROM mg_grain_state WHERE state_name = 'account'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            if (key.Contains(email, StringComparison.Ordinal))
            {
                rows.Add((key, Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1))));
            }
        }

        return rows;
    }
}

public sealed class SqliteSecretsAtRestTests(SqliteStorageClusterFixture fixture)
    : SecretsAtRestTests(fixture), IClassFixture<SqliteStorageClusterFixture>;

public sealed class PostgresSecretsAtRestTests(PostgresStorageClusterFixture fixture)
    : SecretsAtRestTests(fixture), IClassFixture<PostgresStorageClusterFixture>;
