using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Grains;

/// <summary>
/// A node's lease of a user's uses (<see cref="IUserGrain.LeaseAsync"/>): the grain counts the whole block when it
/// leases it, gives at most half of what is left, takes back what a node did not hand out exactly once, and says
/// which limits cannot be leased. Three silos lease at once without the sum ever passing the limit.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class UserLeaseTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Leases_count_their_blocks_give_at_most_half_of_what_is_left_and_take_back_unused_uses_once()
    {
        await using var cluster = await GrainCluster.StartAsync(silos: 3);
        var user = cluster.Grains.GetGrain<IUserGrain>("leaser");
        await user.ConfigureAsync(new UserSettings([new ModelLimit("m", 60, 10), new ModelLimit("tpm", 60, 100) { TokensPerMinute = 1000 }], IsolatedSession: true));

        // 10 left: at most 5, whatever is wanted; then 2 of the 5 left; the block's uses are counted at once.
        var first = await user.LeaseAsync(new LeaseRequest("m", true, 100, Lifetime));
        Assert.Equal((LeaseKind.Block, 5), (first.Kind, first.Count));
        Assert.True(first.IsolatedSession);
        var second = await user.LeaseAsync(new LeaseRequest("m", true, 100, Lifetime));
        Assert.Equal((LeaseKind.Block, 2), (second.Kind, second.Count));
        Assert.Equal(first.LeaseId + first.Count, second.LeaseId);
        Assert.Equal(3, await GrantsLeftAsync(user));

        // The first lease's node handed out one of its five: four come back, and only once.
        await user.ReturnLeaseAsync(new LeaseReturn(first.Key, first.LeaseId, 4));
        await user.ReturnLeaseAsync(new LeaseReturn(first.Key, first.LeaseId, 4));
        Assert.Equal(7, await GrantsLeftAsync(user));

        // A renewal gives back the previous lease first (all of the second's two), then leases from what is left.
        var third = await user.LeaseAsync(new LeaseRequest("m", true, 1, Lifetime) { Returned = new LeaseReturn(second.Key, second.LeaseId, 2) });
        Assert.Equal((LeaseKind.Block, 1), (third.Kind, third.Count));
        Assert.Equal(8, await GrantsLeftAsync(user));

        // What cannot be leased: a token limit settles per request, an unlimited model needs no counting, an unknown one is refused.
        Assert.Equal(LeaseKind.PerRequest, (await user.LeaseAsync(new LeaseRequest("tpm", true, 5, Lifetime))).Kind);
        var unlimited = await user.LeaseAsync(new LeaseRequest("other", true, 5, Lifetime));
        Assert.Equal(LeaseKind.Unlimited, unlimited.Kind);
        Assert.InRange(unlimited.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.Zero, Lifetime);
        var notOffered = await user.LeaseAsync(new LeaseRequest("other", false, 5, Lifetime));
        Assert.Equal(LimitRefusal.ModelNotOffered, notOffered.Refusal!.Refusal);
    }

    [Fact]
    public async Task Three_silos_leasing_at_once_never_get_more_than_the_limit_and_a_spent_limit_refuses()
    {
        await using var cluster = await GrainCluster.StartAsync(silos: 3);
        await cluster.Grains.GetGrain<IUserGrain>("lease-burst").ConfigureAsync(new UserSettings([new ModelLimit("m", 60, 50)], IsolatedSession: false));

        var leases = await Task.WhenAll(cluster.Factories().SelectMany(factory => Enumerable.Range(0, 40)
            .Select(_ => factory.GetGrain<IUserGrain>("lease-burst").LeaseAsync(new LeaseRequest("m", true, 7, Lifetime)))));

        var blocks = leases.Where(l => l.Kind == LeaseKind.Block).ToList();
        Assert.Equal(50, blocks.Sum(b => b.Count));
        Assert.All(leases.Where(l => l.Kind != LeaseKind.Block), l => Assert.Equal(LimitRefusal.LimitReached, l.Refusal!.Refusal));

        // Block ids never overlap: each use of the window is counted once.
        var ids = blocks.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.LeaseId + i)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>How many more single uses the user's window grants now (each taken by a lease of one; then all given back).</summary>
    private static async Task<int> GrantsLeftAsync(IUserGrain user)
    {
        var taken = new List<LimitLease>();
        while (await user.LeaseAsync(new LeaseRequest("m", true, 1, Lifetime)) is { Kind: LeaseKind.Block } lease)
        {
            taken.Add(lease);
        }

        foreach (var lease in taken)
        {
            await user.ReturnLeaseAsync(new LeaseReturn(lease.Key, lease.LeaseId, lease.Count));
        }

        return taken.Count;
    }
}
