using MirrorGate.Silo.Storage;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// What every <see cref="IGrainStorage"/> provider must do. Each provider's test class derives from
/// this and supplies the storage; the PostgreSQL provider will run the very same cases.
/// </summary>
public abstract class GrainStorageContractTests
{
    protected abstract IGrainStorage Storage { get; }

    private static GrainStateId NewId(string stateName = "state") => new("contract", Guid.NewGuid().ToString("N"), stateName);

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_state_never_written_reads_as_null()
    {
        Assert.Null(await Storage.ReadAsync(NewId(), CancellationToken.None));
    }

    [Fact]
    public async Task The_first_write_stores_version_1_and_reads_back()
    {
        var id = NewId();
        var result = await Storage.WriteAsync(id, Bytes("one"), null, CancellationToken.None);

        Assert.Equal(StorageWriteResult.Written(1), result);
        var stored = await Storage.ReadAsync(id, CancellationToken.None);
        Assert.Equal(1, stored!.Version);
        Assert.Equal("one", System.Text.Encoding.UTF8.GetString(stored.Payload!));
    }

    [Fact]
    public async Task Of_many_concurrent_first_writes_exactly_one_wins()
    {
        var id = NewId();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Storage.WriteAsync(id, Bytes($"writer {i}"), null, CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(19, results.Count(r => r.Outcome == StorageWriteOutcome.Conflict));
        var winner = Array.FindIndex(results, r => r.Succeeded);
        var stored = await Storage.ReadAsync(id, CancellationToken.None);
        Assert.Equal($"writer {winner}", System.Text.Encoding.UTF8.GetString(stored!.Payload!));
    }

    [Fact]
    public async Task A_second_activation_first_write_conflicts_and_changes_nothing()
    {
        var id = NewId();
        await Storage.WriteAsync(id, Bytes("first"), null, CancellationToken.None);

        var late = await Storage.WriteAsync(id, Bytes("late"), null, CancellationToken.None);

        Assert.Equal(StorageWriteOutcome.Conflict, late.Outcome);
        var stored = await Storage.ReadAsync(id, CancellationToken.None);
        Assert.Equal(("first", 1L), (System.Text.Encoding.UTF8.GetString(stored!.Payload!), stored.Version));
    }

    [Fact]
    public async Task A_write_with_a_stale_version_is_rejected_and_changes_nothing()
    {
        var id = NewId();
        await Storage.WriteAsync(id, Bytes("v1"), null, CancellationToken.None);
        await Storage.WriteAsync(id, Bytes("v2"), 1, CancellationToken.None);

        var stale = await Storage.WriteAsync(id, Bytes("stale"), 1, CancellationToken.None);

        Assert.Equal(StorageWriteOutcome.Conflict, stale.Outcome);
        var stored = await Storage.ReadAsync(id, CancellationToken.None);
        Assert.Equal(("v2", 2L), (System.Text.Encoding.UTF8.GetString(stored!.Payload!), stored.Version));
    }

    [Fact]
    public async Task Of_concurrent_writes_from_the_same_version_exactly_one_wins()
    {
        var id = NewId();
        await Storage.WriteAsync(id, Bytes("base"), null, CancellationToken.None);
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Storage.WriteAsync(id, Bytes($"update {i}"), 1, CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(2, (await Storage.ReadAsync(id, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task A_clear_keeps_versions_growing_so_a_stale_writer_still_conflicts()
    {
        var id = NewId();
        await Storage.WriteAsync(id, Bytes("v1"), null, CancellationToken.None);

        var cleared = await Storage.ClearAsync(id, 1, CancellationToken.None);

        Assert.Equal(StorageWriteResult.Written(2), cleared);
        var stored = await Storage.ReadAsync(id, CancellationToken.None);
        Assert.Null(stored!.Payload);
        Assert.Equal(2, stored.Version);
        Assert.Equal(StorageWriteOutcome.Conflict, (await Storage.WriteAsync(id, Bytes("stale"), 1, CancellationToken.None)).Outcome);
        Assert.Equal(StorageWriteOutcome.Conflict, (await Storage.WriteAsync(id, Bytes("fresh"), null, CancellationToken.None)).Outcome);
        Assert.Equal(StorageWriteResult.Written(3), await Storage.WriteAsync(id, Bytes("v3"), 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_clear_with_a_stale_version_conflicts()
    {
        var id = NewId();
        await Storage.WriteAsync(id, Bytes("v1"), null, CancellationToken.None);
        await Storage.WriteAsync(id, Bytes("v2"), 1, CancellationToken.None);

        Assert.Equal(StorageWriteOutcome.Conflict, (await Storage.ClearAsync(id, 1, CancellationToken.None)).Outcome);
        Assert.NotNull((await Storage.ReadAsync(id, CancellationToken.None))!.Payload);
    }

    [Fact]
    public async Task State_names_and_grain_types_are_independent_records()
    {
        var id = NewId("a");
        var other = id with { StateName = "b" };
        var otherType = id with { GrainType = "contract-other" };

        await Storage.WriteAsync(id, Bytes("a"), null, CancellationToken.None);

        Assert.Null(await Storage.ReadAsync(other, CancellationToken.None));
        Assert.Null(await Storage.ReadAsync(otherType, CancellationToken.None));
        Assert.True((await Storage.WriteAsync(other, Bytes("b"), null, CancellationToken.None)).Succeeded);
    }
}
