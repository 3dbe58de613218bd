using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Leases;
using MirrorGate.Silo.Leases.Postgres;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Leases;

public sealed class PostgresLeaseStoreTests : LeaseStoreContractTests, IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private PostgresDatabase? _node;
    private ILeaseStore? _store;

    protected override ILeaseStore Store => _store!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _node = Node();
        _store = new PostgresLeaseStore(_node, Time);
    }

    public async Task DisposeAsync()
    {
        await _node!.DisposeAsync();
        await _database!.DisposeAsync();
    }

    private PostgresDatabase Node() => _database!.OpenNode();

    [Fact]
    public async Task Of_20_acquirers_on_three_nodes_one_takes_a_new_lease_and_one_takes_over_an_expired_one()
    {
        var nodes = new[] { Node(), Node(), Node() };
        try
        {
            Task<Lease?[]> RaceAsync() => Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
                await new PostgresLeaseStore(nodes[i % 3], Time).TryAcquireAsync("refresh:acct-1", $"node-{i % 3}:{i}", TimeSpan.FromSeconds(30)))));

            var first = Assert.Single(await RaceAsync(), l => l is not null);
            Assert.Equal(1, first!.Fence);

            Time.Advance(TimeSpan.FromSeconds(31));
            var second = Assert.Single(await RaceAsync(), l => l is not null);

            Assert.Equal(2, second!.Fence);
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
    public async Task A_released_lease_keeps_its_fence_so_the_next_holder_gets_a_larger_one()
    {
        var first = await Store.TryAcquireAsync("poll:task-1", "a", TimeSpan.FromMinutes(1));
        await Store.ReleaseAsync(first!);

        var second = await Store.TryAcquireAsync("poll:task-1", "b", TimeSpan.FromMinutes(1));

        Assert.Equal(first!.Fence + 1, second!.Fence);
        Assert.False(await Store.RenewAsync(first, TimeSpan.FromMinutes(1)));
        await Store.ReleaseAsync(first);
        Assert.True(await Store.RenewAsync(second, TimeSpan.FromMinutes(1)));
    }
}
