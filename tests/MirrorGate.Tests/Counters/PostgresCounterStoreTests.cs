using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Counters.Postgres;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Counters;

public sealed class PostgresCounterStoreTests : CounterStoreContractTests, IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private PostgresDatabase? _node;
    private ICounterStore? _store;

    protected override ICounterStore Store => _store!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _node = Node();
        _store = new PostgresCounterStore(_node, Time);
    }

    public async Task DisposeAsync()
    {
        await _node!.DisposeAsync();
        await _database!.DisposeAsync();
    }

    private PostgresDatabase Node() => _database!.OpenNode();

    [Fact]
    public async Task Prefix_reads_take_underscores_and_percent_signs_literally()
    {
        await Store.AddAsync("use:a_b%:1", 1);
        await Store.AddAsync("use:axbz:1", 2);
        await Store.AddAsync("use:a_b%", 3);

        var counters = await Store.GetByPrefixAsync("use:a_b%:");

        Assert.Equal(new Dictionary<string, long> { ["use:a_b%:1"] = 1 }, counters);
    }

    [Fact]
    public async Task Picks_from_three_nodes_in_different_orders_count_every_increment_and_stay_level()
    {
        var keys = new[] { "inflight:a", "inflight:b", "inflight:c" };
        var nodes = new[] { Node(), Node(), Node() };
        try
        {
            // Each node starts its tie-break at another key, as the account pool does, over rows that do not exist yet.
            var picks = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
            {
                ICounterStore store = new PostgresCounterStore(nodes[i % 3], Time);
                var ordered = keys.Skip(i % 3).Concat(keys.Take(i % 3)).ToArray();
                return await store.IncrementSmallestAsync(ordered);
            })));

            Assert.All(picks, Assert.NotNull);
            Assert.All(keys, key => Assert.Equal(100, picks.Count(p => p == key)));
            foreach (var key in keys)
            {
                Assert.Equal(100, await Store.GetAsync(key));
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
