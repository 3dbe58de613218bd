using MirrorGate.Silo.Counters;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Counters;

/// <summary>What every <see cref="IRateWindowStore"/> must do; providers derive and supply the store.</summary>
public abstract class RateWindowStoreContractTests
{
    protected ManualTimeProvider Time { get; } = new();

    protected abstract IRateWindowStore Store { get; }

    private static string Key() => "w:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Of_many_concurrent_reservations_exactly_the_limit_are_granted()
    {
        var key = Key();
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            await Store.TryReserveAsync(key, TimeSpan.FromMinutes(10), 7))));

        Assert.Equal(7, results.Count(r => r.Granted));
        Assert.Equal(7, results.Where(r => r.Granted).Select(r => r.ReservationId).Distinct().Count());
        Assert.Equal(7, await Store.CountAsync(key, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task A_refusal_says_when_the_oldest_use_leaves_the_window()
    {
        var key = Key();
        await Store.TryReserveAsync(key, TimeSpan.FromMinutes(3), 2);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.TryReserveAsync(key, TimeSpan.FromMinutes(3), 2);

        var refused = await Store.TryReserveAsync(key, TimeSpan.FromMinutes(3), 2);

        Assert.False(refused.Granted);
        Assert.Equal(TimeSpan.FromMinutes(2), refused.RetryAfter);
        Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.True((await Store.TryReserveAsync(key, TimeSpan.FromMinutes(3), 2)).Granted);
    }

    [Fact]
    public async Task A_released_reservation_frees_its_use_once()
    {
        var key = Key();
        var first = await Store.TryReserveAsync(key, TimeSpan.FromHours(1), 1);
        Assert.False((await Store.TryReserveAsync(key, TimeSpan.FromHours(1), 1)).Granted);

        await Store.ReleaseAsync(key, first.ReservationId);
        await Store.ReleaseAsync(key, first.ReservationId);

        Assert.True((await Store.TryReserveAsync(key, TimeSpan.FromHours(1), 1)).Granted);
        Assert.False((await Store.TryReserveAsync(key, TimeSpan.FromHours(1), 1)).Granted);
    }
}

public sealed class InProcessRateWindowStoreTests : RateWindowStoreContractTests
{
    public InProcessRateWindowStoreTests() => Store = new InProcessRateWindowStore(Time);

    protected override IRateWindowStore Store { get; }
}
