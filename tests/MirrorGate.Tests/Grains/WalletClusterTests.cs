using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// One wallet charged from everywhere at once: a three-silo cluster on PostgreSQL, and beside it a second cluster on
/// the same schema (<see cref="TwinCluster"/>) holding a second activation of the same wallet, as Orleans can
/// briefly have during a membership change. The floor and the idempotency keys live in the ledger, so even the two
/// activations together can neither overdraw the wallet nor post a step twice.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class WalletClusterTests
{
    [Fact]
    public async Task Concurrent_charges_on_three_silos_and_a_duplicate_activation_never_cross_the_floor()
    {
        await using var cluster = await GrainCluster.StartAsync(silos: 3, postgres: true);
        await using var twin = await TwinCluster.StartAsync(cluster);
        const string org = "org-cluster-wallet";
        var onCluster = cluster.Grains.GetGrain<IWalletGrain>(org);
        var onTwin = twin.Grains.GetGrain<IWalletGrain>(org);
        Assert.True(await onCluster.CreateRechargeOrderAsync("fund-1", "user-1", 30m, "test"));
        Assert.Equal(WalletOutcome.Done, (await onCluster.RechargeAsync("fund-1", 30m)).Outcome);
        Assert.Equal(WalletOutcome.AlreadyDone, (await onTwin.RechargeAsync("fund-1", 30m)).Outcome);

        // 80 holds of 1.00 each, half through each activation, every key tried on both (a retry that lands elsewhere).
        var reserves = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Task.Run(async () =>
        {
            var first = i % 2 == 0 ? onCluster : onTwin;
            var second = i % 2 == 0 ? onTwin : onCluster;
            var result = await first.ReserveAsync($"c{i / 2}", 1m);
            var retry = await second.ReserveAsync($"c{i / 2}", 1m);
            return (Key: $"c{i / 2}", result, retry);
        })));

        Assert.All(reserves, r => Assert.True(r.result.Balance >= 0 && r.retry.Balance >= 0, $"a wallet answered a negative balance for {r.Key}"));
        var held = reserves.Where(r => r.result.Succeeded || r.retry.Succeeded).Select(r => r.Key).Distinct().ToList();
        Assert.Equal(30, held.Count);

        var settles = await Task.WhenAll(held.Select((key, i) => Task.Run(async () =>
        {
            var first = await (i % 2 == 0 ? onCluster : onTwin).SettleAsync(key, Charge(0.5m));
            var again = await (i % 2 == 0 ? onTwin : onCluster).SettleAsync(key, Charge(0.5m));
            return (first.Outcome, again.Outcome);
        })));

        Assert.All(settles, s => Assert.Equal((WalletOutcome.Done, WalletOutcome.AlreadyDone), s));
        var store = cluster.StoreOf(cluster.Cluster.Silos[0]).LedgerStore;
        var balance = new LedgerAccount(org, LedgerActions.Subjects.Balance);
        Assert.Equal(15_000_000, await store.BalanceAsync(balance));
        Assert.Equal(15_000_000, await store.SumPostingsAsync(balance));
        Assert.Equal(0, await store.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Held)));
        Assert.Equal(15_000_000, await store.SumPostingsAsync(new LedgerAccount("org-reseller", LedgerActions.Subjects.Revenue)));
        Assert.Equal(15m, (await onCluster.GetBalanceAsync()).Balance);
        Assert.Equal(30, (await onTwin.QueryOrdersAsync(1, 80)).Rows.Count(o => o.BusinessOp == LedgerActions.Pay));
    }

    private static ChargeOrder Charge(decimal amount) => new("user-1", "org-reseller", "org-provider", "llm-1", "Model", "model", "{}", amount, 0m);
}
