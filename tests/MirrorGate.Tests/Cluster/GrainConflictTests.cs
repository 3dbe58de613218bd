using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Hosting;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// Two nodes on one PostgreSQL schema briefly hold the same grain. Neither listens for change notices
/// here (no hosted services run), so only the version check stands between them.
/// </summary>
public sealed class GrainConflictTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new();
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database!.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task When_two_nodes_write_the_same_grain_one_write_wins_and_the_other_rereads_so_concurrent_increments_add_up_exactly()
    {
        await using var nodeA = Node("a");
        await using var nodeB = Node("b");
        var onA = nodeA.Grains.GetGrain<ITallyGrain>("shared");
        var onB = nodeB.Grains.GetGrain<ITallyGrain>("shared");

        // Both activations read "never written". A's first write is not announced, but B's copy of a
        // never-stored state reads again before its next call, so B sees it.
        Assert.Equal(0, await onA.GetAsync());
        Assert.Equal(0, await onB.GetAsync());
        Assert.Equal(1, await onA.AddAsync(1));
        Assert.Equal(1, await onB.GetAsync());

        // Both now hold version 1. A's write wins; B's write at version 1 loses, and B's next call reads A's
        // write and decides again.
        Assert.Equal(2, await onA.AddAsync(1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.AddAsync(1));
        Assert.Equal(3, await onB.AddAsync(1));

        var conflicts = 0;
        async Task AddManyAsync(ITallyGrain grain)
        {
            for (var i = 0; i < 50; i++)
            {
                while (true)
                {
                    try
                    {
                        await grain.AddAsync(1);
                        break;
                    }
                    catch (InconsistentStateException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Task.Run(() => AddManyAsync(onA)), Task.Run(() => AddManyAsync(onB)));

        await using var nodeC = Node("c");
        Assert.Equal(103, await nodeC.Grains.GetGrain<ITallyGrain>("shared").GetAsync());
        Assert.True(conflicts > 0, "the two nodes never collided, so the test proved nothing");
    }

    private TestSilo Node(string name) =>
        new(Path.Combine(_folder.Path, name), configure: services => services.AddSingleton(new ActivationLog()).AddGrain<ITallyGrain, TallyGrain>(), settings: _database!.Settings);
}
