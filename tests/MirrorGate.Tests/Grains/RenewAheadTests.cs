using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// Accounts renew before their tokens expire, so no request waits for a token exchange: a timer while the account
/// is in memory, a reminder (wherever it lives, across restarts) for pooled accounts, which also tries expired ones
/// again now and then.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class RenewAheadTests
{
    private const string Email = "ahead@example.com";

    [Fact]
    public async Task An_account_activated_inside_its_renewal_window_renews_by_itself_without_a_request()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock });
        await using var cluster = await GrainCluster.StartAsync(silos: 1, clock: clock, simulator: simulator);
        var account = cluster.Grains.GetGrain<IAccountGrain>(Email);
        var registered = await account.RegisterAsync(new AccountRegistration(null, new Secret(simulator.AddAccount(Email).RefreshToken), null));
        simulator.ResetCallCounts();

        // Ten days on, five minutes before the token expires: inside the 15-minute window. A fresh activation arms its
        // timer from the stored expiry and renews at once; only the snapshot is asked for, never a credential.
        clock.Advance(registered.Snapshot!.AccessTokenExpiresAt!.Value - clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        await cluster.Cluster.DeactivateAsync(account);
        await account.GetSnapshotAsync();

        await Eventually.WaitUntilAsync(() => simulator.CallCount("oauth/token") == 1, "the account renews by itself");
        await Eventually.WaitUntilAsync(async () => (await account.GetSnapshotAsync())!.AccessTokenExpiresAt > clock.GetUtcNow() + TimeSpan.FromDays(9),
            "the renewed token is stored");
        Assert.Equal(1, simulator.CallCount("oauth/token"));
    }

    [Fact]
    public async Task The_reminder_renews_a_token_in_its_window_and_tries_an_expired_account_again_once_per_probe_interval()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock });
        await using var cluster = await GrainCluster.StartAsync(silos: 1, clock: clock, simulator: simulator);
        var account = cluster.Grains.GetGrain<IAccountGrain>(Email);
        var original = simulator.AddAccount(Email).RefreshToken;
        var registered = await account.RegisterAsync(new AccountRegistration(null, new Secret(original), null, JoinPool: true));
        var reminder = account.AsReference<IRemindable>();
        simulator.ResetCallCounts();

        // A tick outside the window does nothing; a tick inside it renews.
        await reminder.ReceiveReminder("renew", default);
        Assert.Equal(0, simulator.CallCount("oauth/token"));
        clock.Advance(registered.Snapshot!.AccessTokenExpiresAt!.Value - clock.GetUtcNow() - TimeSpan.FromMinutes(10));
        await reminder.ReceiveReminder("renew", default);
        Assert.Equal(1, simulator.CallCount("oauth/token"));

        // Replaying the spent refresh token makes the upstream revoke the whole family: renewal is refused from now
        // on, and the account is expired.
        using (var raw = new HttpClient { BaseAddress = simulator.BaseUrl })
        {
            await raw.PostAsJsonAsync("/oauth/token", new { client_id = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", grant_type = "refresh_token", redirect_uri = "x", refresh_token = original });
        }

        clock.Advance(TimeSpan.FromDays(11));
        Assert.False((await account.GetCredentialAsync()).Succeeded);
        Assert.Equal(AccountStatus.Expired, (await account.GetSnapshotAsync())!.Status);
        var afterExpiry = simulator.CallCount("oauth/token");

        // An expired account is tried again, but only once per probe interval (an hour), however often the reminder ticks.
        await reminder.ReceiveReminder("renew", default);
        Assert.Equal(afterExpiry, simulator.CallCount("oauth/token"));
        clock.Advance(TimeSpan.FromMinutes(61));
        await reminder.ReceiveReminder("renew", default);
        await reminder.ReceiveReminder("renew", default);
        Assert.Equal(afterExpiry + 1, simulator.CallCount("oauth/token"));
    }
}
