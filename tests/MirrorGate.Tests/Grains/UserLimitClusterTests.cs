using System.Collections.Concurrent;
using System.Diagnostics;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Users;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class UserLimitClusterTests
{
    private const string Model = "auto";

    /// <summary>
    /// A limit is a promise to whoever pays for the account: a burst arriving at every silo at once must get exactly
    /// the limit, not one more (two deciders) and not fewer (a lost grant).
    /// </summary>
    [Fact]
    public async Task Three_hundred_concurrent_reservations_on_three_silos_get_exactly_fifty_grants_under_a_limit_of_fifty()
    {
        await using var cluster = await GrainCluster.StartAsync();
        await cluster.Grains.GetGrain<IUserGrain>("burst").ConfigureAsync(new UserSettings([new ModelLimit(Model, 60, 50)], IsolatedSession: true));

        var decisions = await Task.WhenAll(cluster.Factories().SelectMany(factory => Enumerable.Range(0, 100)
            .Select(_ => factory.GetGrain<IUserGrain>("burst").TryReserveAsync(Model, catalogued: true, NewRequestId()))));

        var granted = decisions.Where(d => d.Granted).Select(d => d.Reservation!.Id).Order().ToList();
        Assert.Equal(50, granted.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), granted);
        Assert.All(decisions.Where(d => !d.Granted), d => Assert.Equal(LimitRefusal.LimitReached, d.Refusal));
    }

    /// <summary>
    /// When the silo holding a user's activation leaves, the user grain comes back on another silo from storage:
    /// the window it finds there must hold every use granted before, so the user gets neither a fresh window
    /// (a reset) nor more than the limit, and keeps the limits the operator set.
    /// </summary>
    [Fact]
    public async Task A_silo_stopped_mid_run_neither_resets_a_users_window_nor_lets_it_overshoot()
    {
        const int Limit = 300;
        await using var cluster = await GrainCluster.StartAsync();
        var settings = new UserSettings([new ModelLimit(Model, 60, Limit)], IsolatedSession: false);
        var user = cluster.Grains.GetGrain<IUserGrain>("survivor");
        await user.ConfigureAsync(settings);
        var grants = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<Exception>();

        var factories = cluster.Factories();
        for (var i = 0; i < 10; i++)
        {
            var decision = await factories[i % 3].GetGrain<IUserGrain>("survivor").TryReserveAsync(Model, catalogued: true, NewRequestId());
            Assert.True(decision.Granted);
            grants.Add(decision.Reservation!.Id);
        }

        var host = cluster.Cluster.Activation(user).Address.SiloAddress;
        var hostSilo = cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(host));
        var survivors = cluster.Cluster.Silos.Where(s => s != hostSilo).Select(s => cluster.Cluster.Factory(s)).ToList();

        // Reservations keep arriving from the other two silos while the host stops (paced, and capped, so that a
        // good share of the uses is left for the activation that takes over).
        var duringStop = 0;
        var stopping = Stopwatch.StartNew();
        var stop = cluster.Cluster.StopSiloAsync(hostSilo);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            while (!stop.IsCompleted && Volatile.Read(ref duringStop) < Limit - 50)
            {
                await ReserveAsync(survivors[worker % 2], grants, failures, () => Interlocked.Increment(ref duringStop));
                await Task.Delay(40);
            }
        }));
        await stop;
        stopping.Stop();
        Assert.DoesNotContain(cluster.Cluster.Silos, s => s.SiloAddress.Equals(host));

        // Then on the survivors until each caller is refused.
        var afterStop = 0;
        var refusals = await Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            for (var attempt = 0; attempt < 2 * Limit; attempt++)
            {
                if (await ReserveAsync(survivors[worker % 2], grants, failures, () => Interlocked.Increment(ref afterStop)) is { } refusal)
                {
                    return refusal;
                }
            }

            return null;
        }));

        var ids = grants.Order().ToList();
        var missing = Enumerable.Range(1, Limit).Select(i => (long)i).Except(ids);
        var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key);
        var context = $"{ids.Count} grants seen, ids missing: [{string.Join(",", missing)}], repeated: [{string.Join(",", repeated)}]; granted during the stop ({stopping.ElapsedMilliseconds} ms): {duringStop}, after it: {afterStop}; "
            + $"failed calls: {failures.Count} ({string.Join("; ", failures.Select(f => f.GetType().Name).Distinct())})";
        Assert.All(refusals, refusal => Assert.Equal(LimitRefusal.LimitReached, refusal?.Refusal));
        Assert.True(afterStop > 0, context);
        Assert.NotEqual(host, cluster.Cluster.Activation(user).Address.SiloAddress);

        // No reset: a window started afresh would hand out its grant ids again. No overshoot: at most the limit.
        Assert.True(ids.Distinct().Count() == ids.Count && ids.All(id => id is >= 1 and <= Limit), context);
        var stored = await StoredWindowsAsync(cluster, user);
        Assert.Equal(Limit, stored.Slices[Model].Sum(s => s.Count));
        Assert.Equal(Limit, stored.LastGrantId);

        // Exactly the limit was granted, and the callers saw every grant: a call that failed while the silo went away
        // may have been granted before its reply was lost, and asking again with the same request id returns that
        // grant instead of losing the use.
        Assert.True(Enumerable.Range(1, Limit).Select(i => (long)i).SequenceEqual(ids), context);
        var snapshot = await survivors[0].GetGrain<IUserGrain>("survivor").GetSnapshotAsync();
        Assert.NotNull(snapshot);
        Assert.Equal<ModelLimit>(settings.Limits, snapshot.Limits);
        Assert.False(snapshot.IsolatedSession);
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// One reservation, as a front end makes it: a call that fails (a silo going away) is recorded and asked again
    /// with the same request id until it is answered.
    /// </summary>
    private static async Task<LimitDecision?> ReserveAsync(IGrainFactory factory, ConcurrentBag<long> grants, ConcurrentBag<Exception> failures, Action onGrant)
    {
        var requestId = NewRequestId();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var decision = await factory.GetGrain<IUserGrain>("survivor").TryReserveAsync(Model, catalogued: true, requestId);
                if (decision.Granted)
                {
                    grants.Add(decision.Reservation!.Id);
                    onGrant();
                    return null;
                }

                return decision;
            }
            catch (Exception ex) when (attempt < 50)
            {
                failures.Add(ex);
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The user's windows as the store holds them, read past every activation.</summary>
    private static async Task<UserWindowsState> StoredWindowsAsync(GrainCluster cluster, IUserGrain user)
    {
        var storage = cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.Silos[0].SiloAddress)
            .GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<UserWindowsState>();
        await storage.ReadStateAsync("user.windows", user.GetGrainId(), state);
        Assert.True(state.RecordExists);
        return state.State!;
    }
}
