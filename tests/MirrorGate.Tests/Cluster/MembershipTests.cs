using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Cluster.Membership;
using MirrorGate.Silo.Hosting;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Tests.Cluster;

public sealed class MembershipTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly ClusterOptions _options = new() { HeartbeatInterval = TimeSpan.FromSeconds(2), NodeDeadAfter = TimeSpan.FromSeconds(10), Address = "10.0.0.1:8080" };
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    private MembershipTable NewNode(TimeProvider? time = null) =>
        new(_database!.Database, new SiloIdentity(time ?? _time), Options.Create(_options), time ?? _time);

    private static async Task<ClusterNode> RowAsync(MembershipTable reader, MembershipTable node) =>
        Assert.Single(await reader.ReadAllAsync(CancellationToken.None), n => n.NodeId == node.NodeId);

    [Fact]
    public async Task A_node_joins_heartbeats_without_a_new_version_and_leaves_with_one()
    {
        var node = NewNode();
        Assert.True(await node.JoinAsync(0, CancellationToken.None));
        var joined = await RowAsync(node, node);
        Assert.Equal((NodeStatus.Active, 1L, "10.0.0.1:8080", 0), (joined.Status, joined.Version, joined.Address, joined.Load));
        Assert.True(joined.IsAlive);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await node.HeartbeatAsync(7, CancellationToken.None));
        var beating = await RowAsync(node, node);
        Assert.Equal((NodeStatus.Active, 1L, 7), (beating.Status, beating.Version, beating.Load));
        Assert.Equal(joined.HeartbeatAt + TimeSpan.FromSeconds(2), beating.HeartbeatAt);

        Assert.True(await node.LeaveAsync(CancellationToken.None));
        var left = await RowAsync(node, node);
        Assert.Equal((NodeStatus.Left, 2L), (left.Status, left.Version));
        Assert.False(left.IsAlive);
    }

    [Fact]
    public async Task A_node_that_stops_heartbeating_reads_as_dead_after_the_limit()
    {
        var quiet = NewNode();
        var busy = NewNode();
        await quiet.JoinAsync(0, CancellationToken.None);
        await busy.JoinAsync(0, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(9));
        await busy.HeartbeatAsync(1, CancellationToken.None);
        Assert.True((await RowAsync(busy, quiet)).IsAlive);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(NodeStatus.Dead, (await RowAsync(busy, quiet)).Status);
        Assert.True((await RowAsync(busy, busy)).IsAlive);
    }

    [Fact]
    public async Task A_late_heartbeat_brings_back_neither_a_node_declared_dead_nor_one_that_left()
    {
        var zombie = NewNode();
        var observer = NewNode();
        var leaver = NewNode();
        await zombie.JoinAsync(0, CancellationToken.None);
        await leaver.JoinAsync(0, CancellationToken.None);
        await leaver.LeaveAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(11));
        var stale = await RowAsync(observer, zombie);
        Assert.True(await observer.MarkDeadAsync(stale, CancellationToken.None));
        Assert.False(await observer.MarkDeadAsync(stale, CancellationToken.None));

        Assert.False(await zombie.HeartbeatAsync(3, CancellationToken.None));
        Assert.False(await leaver.HeartbeatAsync(3, CancellationToken.None));
        Assert.False(await zombie.LeaveAsync(CancellationToken.None));

        var dead = await RowAsync(observer, zombie);
        Assert.Equal((NodeStatus.Dead, 2L, 0), (dead.Status, dead.Version, dead.Load));
        Assert.Equal(NodeStatus.Left, (await RowAsync(observer, leaver)).Status);
    }

    [Fact]
    public async Task A_stale_row_is_not_declared_dead_once_it_heartbeated_again()
    {
        var slow = NewNode();
        var observer = NewNode();
        await slow.JoinAsync(0, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(11));
        var stale = await RowAsync(observer, slow);
        Assert.Equal(NodeStatus.Dead, stale.Status);

        // A paused node (or a database outage longer than the limit) resumes; only a declaration is final.
        Assert.True(await slow.HeartbeatAsync(0, CancellationToken.None));

        Assert.False(await observer.MarkDeadAsync(stale, CancellationToken.None));
        Assert.True((await RowAsync(observer, slow)).IsAlive);
    }

    [Fact]
    public async Task The_service_joins_at_start_reports_its_activations_and_leaves_on_stop()
    {
        using var folder = new TempDirectory();
        await using var silo = new TestSilo(folder.Path, configure: services => services.AddSingleton(new ActivationLog()).AddGrain<ITallyGrain, TallyGrain>());
        _options.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
        var table = NewNode(TimeProvider.System);
        using var service = new MembershipService(table, silo.Catalog, Options.Create(_options), TimeProvider.System, NullLogger<MembershipService>.Instance);

        await service.StartAsync(CancellationToken.None);
        Assert.True((await RowAsync(table, table)).IsAlive);

        await silo.Grains.GetGrain<ITallyGrain>("membership-load").AddAsync(1);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await RowAsync(table, table)).Load != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "heartbeat: load of 1 activation not reported within 10 s");
            await Task.Delay(20);
        }

        await service.StopAsync(CancellationToken.None);

        var left = await RowAsync(table, table);
        Assert.Equal((NodeStatus.Left, 2L), (left.Status, left.Version));
    }
}
