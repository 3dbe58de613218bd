using Microsoft.Data.Sqlite;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Sqlite;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Runtime;

public sealed class GrainRuntimeTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ActivationLog _log = new();

    private TestSilo NewSilo(TimeProvider? time = null) =>
        new(_folder.Path, time, services => services.AddSingleton(_log).AddGrain<ITallyGrain, TallyGrain>());

    [Fact]
    public async Task Calls_to_one_grain_run_one_turn_at_a_time_awaits_included()
    {
        await using var silo = NewSilo();
        var grain = silo.Grains.GetGrain<ITallyGrain>("turns");

        var overlaps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grain.SlowTurnAsync(TimeSpan.FromMilliseconds(20))));

        Assert.All(overlaps, o => Assert.Equal(1, o));
    }

    [Fact]
    public async Task A_write_that_fails_for_any_reason_drops_the_activation_so_memory_never_runs_ahead_of_the_store()
    {
        var failNext = false;
        await using var silo = new TestSilo(_folder.Path, configure: services => services.AddSingleton(_log).AddGrain<ITallyGrain, TallyGrain>()
            .AddSingleton<IGrainStorage>(sp => new FailingWrites(ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp), () => failNext)));
        var grain = silo.Grains.GetGrain<ITallyGrain>("write-fails");
        Assert.Equal(1, await grain.AddAsync(1));

        failNext = true;
        await Assert.ThrowsAsync<IOException>(() => grain.AddAsync(10));
        failNext = false;

        // The 10 never reached the store, so it must not come back with the next write either.
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.AddAsync(1));
    }

    /// <summary>A store whose writes fail with an ordinary I/O error (not a lost race, not "unavailable") while told to.</summary>
    private sealed class FailingWrites(IGrainStorage inner, Func<bool> fail) : IGrainStorage
    {
        public Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken) => inner.ReadAsync(id, cancellationToken);

        public Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken) =>
            fail() ? throw new IOException("disk full") : inner.WriteAsync(id, payload, expectedVersion, cancellationToken);

        public Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken) => inner.ClearAsync(id, expectedVersion, cancellationToken);
    }

    [Fact]
    public async Task Different_keys_run_in_parallel()
    {
        await using var silo = NewSilo();
        var started = DateTime.UtcNow;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => silo.Grains.GetGrain<ITallyGrain>($"par-{i}").SlowTurnAsync(TimeSpan.FromMilliseconds(300))));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(300 * 4), "eight keys took as long as serial turns");
    }

    [Fact]
    public async Task Concurrent_writes_through_one_activation_are_never_lost()
    {
        await using var silo = NewSilo();
        var grain = silo.Grains.GetGrain<ITallyGrain>("sum");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.AddAsync(1)));

        Assert.Equal(50, await grain.GetAsync());
    }

    [Fact]
    public async Task State_is_read_back_after_the_activation_is_dropped()
    {
        var time = new ManualTimeProvider();
        await using (var silo = NewSilo(time))
        {
            await silo.Grains.GetGrain<ITallyGrain>("persist").AddAsync(41);
            time.Advance(TimeSpan.FromMinutes(16));
            Assert.Equal(1, await silo.Catalog.CollectIdleAsync());
            Assert.Equal(1, _log.For("persist").Deactivations);

            Assert.Equal(42, await silo.Grains.GetGrain<ITallyGrain>("persist").AddAsync(1));
            Assert.Equal(2, _log.For("persist").Activations);
        }

        await using var restarted = NewSilo();
        Assert.Equal(42, await restarted.Grains.GetGrain<ITallyGrain>("persist").GetAsync());
    }

    [Fact]
    public async Task Idle_collection_spares_recently_used_activations()
    {
        var time = new ManualTimeProvider();
        await using var silo = NewSilo(time);
        await silo.Grains.GetGrain<ITallyGrain>("old").GetAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        await silo.Grains.GetGrain<ITallyGrain>("fresh").GetAsync();
        time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(1, await silo.Catalog.CollectIdleAsync());
        Assert.Equal(1, silo.Catalog.Count);
        Assert.Equal((1, 1), _log.For("old"));
        Assert.Equal((1, 0), _log.For("fresh"));
    }

    [Fact]
    public async Task A_stale_activation_on_another_node_gets_a_retryable_conflict_and_then_fresh_state()
    {
        await using var nodeA = NewSilo();
        await using var nodeB = NewSilo();
        var onA = nodeA.Grains.GetGrain<ITallyGrain>("shared");
        var onB = nodeB.Grains.GetGrain<ITallyGrain>("shared");
        await onA.AddAsync(1);
        Assert.Equal(1, await onB.GetAsync());

        await onA.AddAsync(10);
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.AddAsync(100));

        // The losing activation was dropped; the retry reads version 2 and decides again.
        Assert.Equal(111, await onB.AddAsync(100));
        Assert.Equal(111, await nodeB.Grains.GetGrain<ITallyGrain>("shared").GetAsync());
    }

    [Fact]
    public async Task A_grain_exception_reaches_the_caller_and_keeps_the_activation()
    {
        await using var silo = NewSilo();
        var grain = silo.Grains.GetGrain<ITallyGrain>("faulty");
        await grain.AddAsync(5);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.FailAsync);

        Assert.Equal("grain says no", error.Message);
        Assert.Equal(1, await grain.ActivationNumberAsync());
    }

    [Fact]
    public async Task A_grain_can_ask_to_be_deactivated_after_its_turn()
    {
        await using var silo = NewSilo();
        var grain = silo.Grains.GetGrain<ITallyGrain>("leaving");

        await grain.GoAwayAsync();

        Assert.Equal(0, silo.Catalog.Count);
        Assert.Equal(2, await grain.ActivationNumberAsync());
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted()
    {
        await using (var silo = NewSilo())
        {
            await silo.Grains.GetGrain<ITallyGrain>("secretive").SetSecretAsync("rt_super-secret-refresh-token");
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "mirrorgate.db")}");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE grain_type = 'tally' AND grain_key = 'secretive'";
        var payload = System.Text.Encoding.UTF8.GetString((byte[])(await command.ExecuteScalarAsync())!);
        Assert.DoesNotContain("super-secret", payload, StringComparison.Ordinal);
        Assert.Contains("v1:", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contract_whose_methods_do_not_return_tasks_is_refused_at_registration()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddGrain<IBadGrain, BadGrain>());
    }

    [Fact]
    public async Task A_grain_class_may_set_its_own_shorter_idle_timeout()
    {
        var time = new ManualTimeProvider();
        await using var silo = new TestSilo(_folder.Path, time, services => services.AddSingleton(_log).AddGrain<ITallyGrain, TallyGrain>().AddGrain<IShortLivedGrain, ShortLivedGrain>());
        await silo.Grains.GetGrain<ITallyGrain>("long").GetAsync();
        await silo.Grains.GetGrain<IShortLivedGrain>("short").PingAsync();
        time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(1, await silo.Catalog.CollectIdleAsync());
        Assert.Equal(1, silo.Catalog.Count);
        Assert.Equal((1, 0), _log.For("long"));
    }

    public void Dispose() => _folder.Dispose();
}

public interface IBadGrain : IGrainWithStringKey
{
    int NotAsync();
}

public sealed class BadGrain : MirrorGate.Silo.Runtime.Grain, IBadGrain
{
    public int NotAsync() => 0;
}

public interface IShortLivedGrain : IGrainWithStringKey
{
    Task PingAsync();
}

[MirrorGate.Silo.Runtime.IdleTimeout(2)]
public sealed class ShortLivedGrain : MirrorGate.Silo.Runtime.Grain, IShortLivedGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
