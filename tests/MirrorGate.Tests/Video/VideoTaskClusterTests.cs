using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Tests.Grains;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.ViduSim;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Video;

/// <summary>
/// Issue 12's node loss, on three silos (Orleans.TestingHost) sharing one store and reminder table: a silo is killed
/// while tasks it holds are still polling, and the reminders wake those tasks on the survivors, where they finish and
/// are settled — each exactly once, and none submitted twice.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class VideoTaskClusterTests
{
    [Fact]
    public async Task Tasks_on_a_killed_silo_finish_on_another_and_each_is_settled_exactly_once()
    {
        await using var vidu = await ViduSimulator.StartAsync();
        vidu.StepDelay = TimeSpan.FromSeconds(2);
        var settings = new Dictionary<string, string?>
        {
            ["Vidu:BaseUrl"] = vidu.BaseUrl.ToString(),
            ["Vidu:ApiToken"] = vidu.ApiToken,
            ["VideoTasks:PollPeriod"] = "00:00:00.300",
            ["VideoTasks:ResumePeriod"] = "00:00:01",
        };
        await using var cluster = await GrainCluster.StartAsync(silos: 3, settings: settings,
            services: s => s.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)));
        const string org = "org-video-node-loss";
        var wallet = cluster.Grains.GetGrain<IWalletGrain>(org);
        Assert.True(await wallet.CreateRechargeOrderAsync("fund-1", "user-1", 100m, "test"));
        Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync("fund-1", 100m)).Outcome);

        // Twelve tasks entered through every silo, so their activations spread over the three.
        var ids = Enumerable.Range(0, 12).Select(i => $"node-loss-task-{i:D2}").ToList();
        var factories = cluster.Factories();
        var started = await Task.WhenAll(ids.Select((id, i) => factories[i % 3].GetGrain<IVideoTaskGrain>(id).StartAsync(Start(i))));
        Assert.All(started, s => Assert.Equal(VideoStatus.Pending, s.Task!.Status));
        Assert.Equal(new WalletBalance(76m, 24m), await wallet.GetBalanceAsync());

        // Kill the non-primary silo that holds the most tasks, while they are still processing upstream.
        var hosts = ids.Select(id => cluster.Cluster.TryGetGrainContext(cluster.Grains.GetGrain<IVideoTaskGrain>(id).GetGrainId(), out var context) ? context.Address.SiloAddress : null).ToList();
        var victim = cluster.Cluster.Silos.Skip(1).MaxBy(s => hosts.Count(h => s.SiloAddress.Equals(h)))!;
        var lost = hosts.Count(h => victim.SiloAddress.Equals(h));
        Assert.True(lost > 0, "the killed silo held some of the tasks");
        await cluster.Cluster.KillSiloAsync(victim);

        // Only the wallet is watched (asking a task would wake it): the reminders must bring the lost tasks back.
        await Eventually.WaitUntilAsync(async () => (await wallet.GetBalanceAsync()).Held == 0m, "every task was settled", TimeSpan.FromSeconds(90));

        var views = await Task.WhenAll(ids.Select(id => cluster.Grains.GetGrain<IVideoTaskGrain>(id).GetAsync()));
        Assert.All(views, v => Assert.Equal((VideoStatus.Succeeded, VideoSettlement.Charged), (v!.Status, v.Settlement)));
        Assert.Equal(12, vidu.Submits);
        Assert.Equal(new WalletBalance(76m, 0m), await wallet.GetBalanceAsync());
        var orders = await wallet.QueryOrdersAsync(1, 100);
        Assert.Equal(12, orders.Rows.Count(o => o.BusinessOp == LedgerActions.Pay));
        var store = cluster.StoreOf(cluster.Cluster.Silos[0]).LedgerStore;
        var balance = new LedgerAccount(org, LedgerActions.Subjects.Balance);
        Assert.Equal(76_000_000, await store.SumPostingsAsync(balance));
        Assert.Equal(76_000_000, await store.BalanceAsync(balance));
        Assert.Equal(0, await store.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Held)));
    }

    private static VideoTaskStart Start(int i) => new(
        "user-1",
        "org-video-node-loss",
        "text2video",
        new JsonObject { ["model"] = "viduq2", ["prompt"] = $"node loss {i}", ["duration"] = 4, ["resolution"] = "720p" }.ToJsonString(),
        new ChargeOrder("user-1", "org-reseller", "org-provider", "vidu-t2v", "Vidu", "viduq2", """{"duration":4}""", 2m, 0.5m),
        CallbackUrl: null);
}
