using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Silo.Storage;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// The silo's write-failure filter: an activation whose state write failed is dropped, so that memory never runs
/// ahead of the store, unless it holds on purpose what exists nowhere else. Writes are made to fail by a trigger
/// on the cluster's SQLite file, the store every silo shares.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class WriteFailureTests
{
    /// <summary>
    /// A grain changes its state in memory before it writes it. If the write fails and the activation lived on,
    /// it would go on answering (and deciding) from a state the store never took.
    /// </summary>
    [Fact]
    public async Task A_user_whose_settings_write_failed_is_dropped_and_answers_from_the_store_again()
    {
        await using var cluster = await GrainCluster.StartAsync();
        var store = cluster.StoreOf(cluster.Cluster.Silos[0]);
        var user = cluster.Grains.GetGrain<IUserGrain>("unlucky");
        var stored = new UserSettings([new ModelLimit("auto", 60, 5)], IsolatedSession: true);
        await user.ConfigureAsync(stored);
        var activation = cluster.Cluster.Activation(user).ActivationId;

        await ExecuteAsync(store, "CREATE TRIGGER test_refuse BEFORE UPDATE ON mg_grain_state WHEN OLD.state_name = 'user' BEGIN SELECT RAISE(ABORT, 'injected write failure'); END");
        await Assert.ThrowsAnyAsync<Exception>(() => user.ConfigureAsync(new UserSettings([new ModelLimit("auto", 60, 500)], IsolatedSession: false)));
        await ExecuteAsync(store, "DROP TRIGGER test_refuse");

        var snapshot = await user.GetSnapshotAsync();
        Assert.NotNull(snapshot);
        Assert.Equal<ModelLimit>(stored.Limits, snapshot.Limits);
        Assert.True(snapshot.IsolatedSession);
        Assert.NotEqual(activation, cluster.Cluster.Activation(user).ActivationId);
    }

    /// <summary>
    /// The exception: an account whose rotated refresh token the store refused holds the only copy of it (the
    /// upstream already spent the stored one). Dropping that activation would lose the account; it must stay and
    /// store the tokens once the store takes writes again, without a second token exchange.
    /// </summary>
    [Fact]
    public async Task An_account_holding_renewed_tokens_the_store_refused_is_kept_and_stores_them_later()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock });
        await using var cluster = await GrainCluster.StartAsync(clock: clock, simulator: simulator);
        var store = cluster.StoreOf(cluster.Cluster.Silos[0]);
        var upstream = simulator.AddAccount("kept@example.com");
        var account = cluster.Grains.GetGrain<IAccountGrain>("kept@example.com");
        var registered = await account.RegisterAsync(new AccountRegistration(null, new Secret(upstream.RefreshToken), null));
        Assert.True(registered.Succeeded, registered.Message);
        var activation = cluster.Cluster.Activation(account).ActivationId;
        simulator.ResetCallCounts();

        // The renewal's claim write (from version v) goes through; the write of the renewed tokens (from v + 1) fails.
        var version = Convert.ToInt64(await ScalarAsync(store, "SELECT version FROM mg_grain_state WHERE state_name = 'account'"), System.Globalization.CultureInfo.InvariantCulture);
        await ExecuteAsync(store, $"CREATE TRIGGER test_refuse BEFORE UPDATE ON mg_grain_state WHEN OLD.state_name = 'account' AND OLD.version = {version + 1} BEGIN SELECT RAISE(ABORT, 'injected write failure'); END");
        clock.Advance(TimeSpan.FromDays(11));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => account.GetCredentialAsync());
        Assert.Equal(1, simulator.CallCount("oauth/token"));
        await ExecuteAsync(store, "DROP TRIGGER test_refuse");

        var renewed = await account.GetCredentialAsync();
        Assert.True(renewed.Succeeded, renewed.Message);
        Assert.NotEqual(registered.Tokens!.AccessToken.Value, renewed.Credential!.AccessToken.Value);
        Assert.Equal(1, simulator.CallCount("oauth/token"));
        Assert.Equal(activation, cluster.Cluster.Activation(account).ActivationId);

        // Renewing again works only from the rotated refresh token, so it reached the store.
        clock.Advance(TimeSpan.FromDays(11));
        await cluster.Cluster.DeactivateAsync(account);
        var again = await account.GetCredentialAsync();
        Assert.True(again.Succeeded, again.Message);
        Assert.Equal(2, simulator.CallCount("oauth/token"));
    }

    private static async Task ExecuteAsync(StateStore store, string sql)
    {
        await using var command = store.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(StateStore store, string sql)
    {
        await using var command = store.DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
