using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using Orleans.Storage;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// Two clusters on one PostgreSQL schema (<see cref="TwinCluster"/>): each holds its own activation of the same
/// grain, which is what Orleans can briefly have while membership changes. The ETag on every write must fence the
/// activation that read an older state.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class DuplicateActivationTests
{
    private const string Model = "auto";

    /// <summary>
    /// A duplicate activation that stored a grant from its stale window would let a user past the limit (and
    /// erase the other activation's grant). Its write must be refused, and the activation replaced by one that
    /// reads what is stored.
    /// </summary>
    [Fact]
    public async Task A_duplicate_user_activation_cannot_grant_from_a_stale_window_and_then_sees_the_other_grant()
    {
        await using var a = await GrainCluster.StartAsync(postgres: true);
        await using var b = await TwinCluster.StartAsync(a);
        var onA = a.Grains.GetGrain<IUserGrain>("twice");
        var onB = b.Grains.GetGrain<IUserGrain>("twice");
        await onA.ConfigureAsync(new UserSettings([new ModelLimit(Model, 60, 2)], IsolatedSession: true));
        Assert.True((await onA.TryReserveAsync(Model, catalogued: true, Guid.NewGuid().ToString("N"))).Granted);
        Assert.NotNull(await onB.GetSnapshotAsync());
        var staleActivation = b.Cluster.Activation(onB).ActivationId;

        // A takes the last use; B's activation still holds the window with one use left.
        Assert.True((await onA.TryReserveAsync(Model, catalogued: true, Guid.NewGuid().ToString("N"))).Granted);
        LimitDecision? decision = null;
        var error = await Record.ExceptionAsync(async () => decision = await onB.TryReserveAsync(Model, catalogued: true, Guid.NewGuid().ToString("N")));
        if (error is null)
        {
            // Also sound: B re-read the window itself and found it full.
            Assert.Equal(LimitRefusal.LimitReached, decision!.Refusal);
        }
        else
        {
            Assert.IsType<InconsistentStateException>(error);
        }

        var next = await onB.TryReserveAsync(Model, catalogued: true, Guid.NewGuid().ToString("N"));
        Assert.Equal(LimitRefusal.LimitReached, next.Refusal);
        if (error is not null)
        {
            Assert.NotEqual(staleActivation, b.Cluster.Activation(onB).ActivationId);
        }

        Assert.Equal(LimitRefusal.LimitReached, (await onA.TryReserveAsync(Model, catalogued: true, Guid.NewGuid().ToString("N"))).Refusal);
    }

    /// <summary>
    /// Two activations of one account that both see an expired token must not both spend the refresh token:
    /// upstream the second spend revokes the family. The renewal claim, stored with an ETag check before the
    /// exchange, lets exactly one of them renew; the other ends up with the winner's token.
    /// </summary>
    [Fact]
    public async Task Duplicate_account_activations_renewing_at_once_spend_the_refresh_token_once()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock });
        await using var a = await GrainCluster.StartAsync(postgres: true, clock: clock, simulator: simulator);
        await using var b = await TwinCluster.StartAsync(a, clock);
        var upstream = simulator.AddAccount("twice@example.com");
        var onA = a.Grains.GetGrain<IAccountGrain>("twice@example.com");
        var onB = b.Grains.GetGrain<IAccountGrain>("twice@example.com");
        var registered = await onA.RegisterAsync(new AccountRegistration(null, new Secret(upstream.RefreshToken), null));
        Assert.True(registered.Succeeded, registered.Message);
        Assert.NotNull(await onB.GetSnapshotAsync());
        simulator.ResetCallCounts();

        clock.Advance(TimeSpan.FromDays(11));
        var racing = await Task.WhenAll(onA.GetCredentialAsync(), onB.GetCredentialAsync());

        Assert.Equal(1, simulator.CallCount("oauth/token"));
        Assert.Contains(racing, r => r.Succeeded);
        Assert.All(racing.Where(r => !r.Succeeded), r => Assert.Equal(AccountError.UpstreamUnavailable, r.Error));
        var renewed = Assert.Single(racing.Where(r => r.Succeeded).Select(r => r.Credential!.AccessToken.Value).Distinct());
        foreach (var grain in new[] { onA, onB })
        {
            var after = await grain.GetCredentialAsync();
            Assert.True(after.Succeeded, after.Message);
            Assert.Equal(renewed, after.Credential!.AccessToken.Value);
        }

        Assert.Equal(1, simulator.CallCount("oauth/token"));

        // B renews next, from the rotated refresh token it must have read from the store; A, stale again, must
        // take B's result rather than spend anything itself.
        clock.Advance(TimeSpan.FromDays(11));
        var onBAgain = await onB.GetCredentialAsync();
        Assert.True(onBAgain.Succeeded, onBAgain.Message);
        var onAAgain = await onA.GetCredentialAsync();
        Assert.True(onAAgain.Succeeded, onAAgain.Message);
        Assert.Equal(onBAgain.Credential!.AccessToken.Value, onAAgain.Credential!.AccessToken.Value);
        Assert.NotEqual(renewed, onBAgain.Credential.AccessToken.Value);
        Assert.Equal(2, simulator.CallCount("oauth/token"));
    }
}
