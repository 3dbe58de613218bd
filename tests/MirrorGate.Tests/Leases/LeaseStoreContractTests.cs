using MirrorGate.Silo.Leases;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Leases;

/// <summary>What every <see cref="ILeaseStore"/> must do; providers derive and supply the store.</summary>
public abstract class LeaseStoreContractTests
{
    protected ManualTimeProvider Time { get; } = new();

    protected abstract ILeaseStore Store { get; }

    private static string Name() => "lease:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Of_many_concurrent_acquirers_exactly_one_holds_the_lease()
    {
        var name = Name();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            await Store.TryAcquireAsync(name, $"node-{i}", TimeSpan.FromSeconds(30)))));

        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task An_expired_lease_goes_to_the_next_taker_with_a_larger_fence()
    {
        var name = Name();
        var first = await Store.TryAcquireAsync(name, "a", TimeSpan.FromSeconds(30));
        Assert.Null(await Store.TryAcquireAsync(name, "b", TimeSpan.FromSeconds(30)));

        Time.Advance(TimeSpan.FromSeconds(31));
        var second = await Store.TryAcquireAsync(name, "b", TimeSpan.FromSeconds(30));

        Assert.NotNull(second);
        Assert.True(second.Fence > first!.Fence);
        Assert.False(await Store.RenewAsync(first, TimeSpan.FromSeconds(30)));
        await Store.ReleaseAsync(first);
        Assert.Null(await Store.TryAcquireAsync(name, "c", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_renewed_lease_outlives_its_first_term_and_a_released_one_is_free()
    {
        var name = Name();
        var lease = await Store.TryAcquireAsync(name, "a", TimeSpan.FromSeconds(30));
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Store.RenewAsync(lease!, TimeSpan.FromSeconds(30)));
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await Store.TryAcquireAsync(name, "b", TimeSpan.FromSeconds(30)));

        await Store.ReleaseAsync(lease!);

        Assert.NotNull(await Store.TryAcquireAsync(name, "b", TimeSpan.FromSeconds(30)));
    }
}

public sealed class InProcessLeaseStoreTests : LeaseStoreContractTests
{
    public InProcessLeaseStoreTests() => Store = new InProcessLeaseStore(Time);

    protected override ILeaseStore Store { get; }
}
