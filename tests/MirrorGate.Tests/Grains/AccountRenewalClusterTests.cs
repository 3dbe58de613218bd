using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class AccountRenewalClusterTests
{
    /// <summary>
    /// Refresh tokens are single use upstream: if two callers spent one, the simulator (like the real token host)
    /// would revoke the whole family and the account would be lost. However many callers, on however many silos,
    /// meet an expired token, the account grain renews once, and stores the rotated refresh token it got.
    /// </summary>
    [Fact]
    public async Task Ninety_callers_on_three_silos_cause_one_renewal_and_the_rotated_refresh_token_is_stored()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock });
        await using var cluster = await GrainCluster.StartAsync(clock: clock, simulator: simulator);
        Assert.Equal(3, cluster.Cluster.Silos.Count);
        var upstream = simulator.AddAccount("renew-once@example.com");
        var registered = await cluster.Grains.GetGrain<IAccountGrain>("renew-once@example.com")
            .RegisterAsync(new AccountRegistration(null, new Secret(upstream.RefreshToken), null, JoinPool: true));
        Assert.True(registered.Succeeded, registered.Message);
        var firstToken = registered.Tokens!.AccessToken.Value;
        simulator.ResetCallCounts();

        // Simulator tokens live ten days.
        clock.Advance(TimeSpan.FromDays(11));
        var calls = cluster.Factories().SelectMany(factory => Enumerable.Range(0, 30)
            .Select(_ => factory.GetGrain<IAccountGrain>("renew-once@example.com").GetCredentialAsync()));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        var tokens = results.Select(r => r.Credential!.AccessToken.Value).Distinct().ToList();
        Assert.Single(tokens);
        Assert.NotEqual(firstToken, tokens[0]);
        Assert.Equal(1, simulator.CallCount("oauth/token"));

        // The simulator rotated the refresh token and revokes the family if the spent one comes back, so this
        // second renewal, by a fresh activation that reads the store, succeeds only if the rotated token was stored.
        clock.Advance(TimeSpan.FromDays(11));
        await cluster.Cluster.DeactivateAsync(cluster.Grains.GetGrain<IAccountGrain>("renew-once@example.com"));
        var again = await cluster.Factories()[2].GetGrain<IAccountGrain>("renew-once@example.com").GetCredentialAsync();
        Assert.True(again.Succeeded, again.Message);
        Assert.NotEqual(tokens[0], again.Credential!.AccessToken.Value);
        Assert.Equal(2, simulator.CallCount("oauth/token"));
    }
}
