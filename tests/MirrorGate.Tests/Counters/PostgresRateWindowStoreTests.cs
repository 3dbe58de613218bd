using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Counters.Postgres;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Counters;

public sealed class PostgresRateWindowStoreTests : RateWindowStoreContractTests, IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private PostgresDatabase? _node;
    private IRateWindowStore? _store;

    protected override IRateWindowStore Store => _store!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _node = Node();
        _store = new PostgresRateWindowStore(_node, Time);
    }

    public async Task DisposeAsync()
    {
        await _node!.DisposeAsync();
        await _database!.DisposeAsync();
    }

    private PostgresDatabase Node() => _database!.OpenNode();

    [Fact]
    public async Task Of_300_reservations_from_three_nodes_exactly_the_limit_of_50_are_granted()
    {
        var nodes = new[] { Node(), Node(), Node() };
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
                await new PostgresRateWindowStore(nodes[i % 3], Time).TryReserveAsync("user:u1:gpt-4o", TimeSpan.FromHours(3), 50))));

            Assert.Equal(50, results.Count(r => r.Granted));
            Assert.Equal(50, results.Where(r => r.Granted).Select(r => r.ReservationId).Distinct().Count());
            Assert.All(results.Where(r => !r.Granted), r => Assert.Equal(TimeSpan.FromHours(3), r.RetryAfter));
            Assert.Equal(50, await Store.CountAsync("user:u1:gpt-4o", TimeSpan.FromHours(3)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Keys_are_separate_windows()
    {
        Assert.True((await Store.TryReserveAsync("k:1", TimeSpan.FromMinutes(1), 1)).Granted);
        Assert.True((await Store.TryReserveAsync("k:2", TimeSpan.FromMinutes(1), 1)).Granted);
        Assert.False((await Store.TryReserveAsync("k:1", TimeSpan.FromMinutes(1), 1)).Granted);
        Assert.Equal(1, await Store.CountAsync("k:2", TimeSpan.FromMinutes(1)));
    }
}
