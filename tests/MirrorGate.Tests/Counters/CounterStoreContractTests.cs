using MirrorGate.Silo.Counters;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Counters;

/// <summary>What every <see cref="ICounterStore"/> must do; providers derive and supply the store.</summary>
public abstract class CounterStoreContractTests
{
    protected ManualTimeProvider Time { get; } = new();

    protected abstract ICounterStore Store { get; }

    private static string Key() => "c:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Concurrent_adds_are_all_counted()
    {
        var key = Key();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await Store.AddAsync(key, 1))));

        Assert.Equal(200, await Store.GetAsync(key));
    }

    [Fact]
    public async Task A_counter_with_a_time_to_live_expires_and_restarts_from_zero()
    {
        var key = Key();
        await Store.AddAsync(key, 5, TimeSpan.FromMinutes(1));
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(5, await Store.GetAsync(key));

        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, await Store.GetAsync(key));
        Assert.Equal(1, await Store.AddAsync(key, 1, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Prefix_reads_return_only_matching_live_counters()
    {
        var prefix = Key() + ":";
        await Store.AddAsync(prefix + "a", 2);
        await Store.AddAsync(prefix + "b", 3, TimeSpan.FromSeconds(10));
        await Store.AddAsync(Key(), 7);
        Time.Advance(TimeSpan.FromSeconds(11));

        var counters = await Store.GetByPrefixAsync(prefix);

        Assert.Equal(new Dictionary<string, long> { [prefix + "a"] = 2 }, counters);
    }

    [Fact]
    public async Task Increment_smallest_picks_the_least_loaded_and_spreads_concurrent_picks()
    {
        var keys = new[] { Key(), Key(), Key() };
        await Store.AddAsync(keys[0], 5);

        Assert.Equal(keys[1], await Store.IncrementSmallestAsync(keys));

        var picks = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => Task.Run(async () => await Store.IncrementSmallestAsync(keys))));

        // 5 + 1 + 0 to start, 9 more picks: the two light keys end level with the heavy one.
        Assert.Equal(15, (await Store.GetAsync(keys[0])) + (await Store.GetAsync(keys[1])) + (await Store.GetAsync(keys[2])));
        Assert.Equal(5, await Store.GetAsync(keys[0]));
        Assert.DoesNotContain(keys[0], picks);
    }

    [Fact]
    public async Task Increment_smallest_with_a_time_to_live_lets_a_count_nobody_gave_back_age_out()
    {
        var keys = new[] { Key(), Key() };
        Assert.Equal(keys[0], await Store.IncrementSmallestAsync(keys, TimeSpan.FromMinutes(5)));
        Assert.Equal(keys[1], await Store.IncrementSmallestAsync(keys, TimeSpan.FromMinutes(5)));
        Assert.Equal(keys[0], await Store.IncrementSmallestAsync(keys, TimeSpan.FromMinutes(5)));
        await Store.AddAsync(keys[1], 1);

        Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        // keys[0] (2, expired) now counts as 0 and is picked over keys[1] (2, no expiry since the plain add).
        Assert.Equal(0, await Store.GetAsync(keys[0]));
        Assert.Equal(keys[0], await Store.IncrementSmallestAsync(keys, TimeSpan.FromMinutes(5)));
        Assert.Equal(1, await Store.GetAsync(keys[0]));
        Assert.Equal(2, await Store.GetAsync(keys[1]));
    }

    [Fact]
    public async Task Increment_smallest_of_no_keys_is_null()
    {
        Assert.Null(await Store.IncrementSmallestAsync([]));
    }
}

public sealed class InProcessCounterStoreTests : CounterStoreContractTests
{
    public InProcessCounterStoreTests() => Store = new InProcessCounterStore(Time);

    protected override ICounterStore Store { get; }
}
