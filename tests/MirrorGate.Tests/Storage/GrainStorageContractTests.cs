using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// The node's real default grain storage (GuardedGrainStorage over Orleans' ADO.NET provider on MirrorGate's own
/// SQL), driven through Orleans' <see cref="IGrainStorage"/> as the runtime drives it. Our SQL replaces Orleans'
/// scripts, so these are the checks that it honours the provider's version contract on both databases.
/// </summary>
public abstract class GrainStorageContractTests(StorageClusterFixture fixture)
{
    private const string StateName = "state";

    private IGrainStorage Storage => fixture.Cluster.Cluster.GetSiloServiceProvider()
        .GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    // Two activations of one grain (during a membership change) may both make its first write: exactly one may
    // win, or the loser silently overwrites the winner (for an account, a spent refresh token comes back).
    [Fact]
    public async Task Concurrent_first_writes_of_one_grain_let_exactly_one_win()
    {
        var id = NewId("race", Unique());
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var state = new GrainState<Payload>(new Payload { Value = $"writer-{i}" });
            try
            {
                await Storage.WriteStateAsync(StateName, id, state);
                return state.State?.Value;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        })).ToList();
        start.SetResult();

        var outcomes = await Task.WhenAll(writers);

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(19, outcomes.Count(o => o is null));
        Assert.Equal(winner, (await ReadAsync(id)).State?.Value);
    }

    // An activation that missed another's write must not overwrite it: its next call has to re-read.
    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_the_newer_state_stays()
    {
        var id = NewId("stale", Unique());
        var current = new GrainState<Payload>(new Payload { Value = "first" });
        await Storage.WriteStateAsync(StateName, id, current);
        var stale = new GrainState<Payload>(new Payload { Value = "stale" }, current.ETag) { RecordExists = true };
        current.State = new Payload { Value = "second" };
        await Storage.WriteStateAsync(StateName, id, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale));

        Assert.Equal("second", (await ReadAsync(id)).State?.Value);
    }

    // The same fence for a clear: a stale activation must not wipe state written after it read.
    [Fact]
    public async Task A_clear_with_a_stale_etag_is_refused_and_the_state_stays()
    {
        var id = NewId("stale-clear", Unique());
        var current = new GrainState<Payload>(new Payload { Value = "first" });
        await Storage.WriteStateAsync(StateName, id, current);
        var stale = new GrainState<Payload>(new Payload(), current.ETag) { RecordExists = true };
        current.State = new Payload { Value = "second" };
        await Storage.WriteStateAsync(StateName, id, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, stale));

        var read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal("second", read.State?.Value);
    }

    // A clear keeps the row (null payload) so versions only grow: a deleted row would restart at 1 and let an
    // activation holding the old version 1 write again.
    [Fact]
    public async Task Write_clear_write_keeps_versions_growing_and_a_cleared_read_has_no_record()
    {
        var id = NewId("clear", Unique());
        var state = new GrainState<Payload>(new Payload { Value = "before" });
        await Storage.WriteStateAsync(StateName, id, state);
        var written = Version(state.ETag);

        await Storage.ClearStateAsync(StateName, id, state);
        var cleared = Version(state.ETag);
        Assert.False(state.RecordExists);

        var afterClear = await ReadAsync(id);
        Assert.False(afterClear.RecordExists);
        Assert.NotNull(afterClear.State);
        Assert.Null(afterClear.State.Value);
        Assert.Equal(cleared, Version(afterClear.ETag));

        // Written again as a fresh activation would: from what it read.
        afterClear.State = new Payload { Value = "after" };
        await Storage.WriteStateAsync(StateName, id, afterClear);
        var rewritten = Version(afterClear.ETag);

        Assert.True(written < cleared, $"clear {cleared} after write {written}");
        Assert.True(cleared < rewritten, $"write {rewritten} after clear {cleared}");
        Assert.Equal("after", (await ReadAsync(id)).State?.Value);
    }

    // Orleans' ADO.NET identity leaves the grain type out (§3.5): without the type in the stored key, two grain
    // types with one key and state name would share a row.
    [Fact]
    public async Task Two_grain_types_with_the_same_key_and_state_name_keep_separate_rows()
    {
        var key = "same-" + Unique();
        var first = NewId("kind-a", key);
        var second = NewId("kind-b", key);

        await Storage.WriteStateAsync(StateName, first, new GrainState<Payload>(new Payload { Value = "a" }));
        await Storage.WriteStateAsync(StateName, second, new GrainState<Payload>(new Payload { Value = "b" }));

        Assert.Equal("a", (await ReadAsync(first)).State?.Value);
        Assert.Equal("b", (await ReadAsync(second)).State?.Value);
    }

    // Orleans reads a string key of hex digits as a number (§3.5), so "abc" and "0abc" would be one row, and a
    // 32-digit key a GUID whose two spellings collide (dotnet/orleans#9706).
    [Theory]
    [InlineData("abc", "0abc")]
    [InlineData("20235", "020235")]
    [InlineData("0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF")]
    public async Task String_keys_that_read_as_the_same_number_keep_separate_rows(string key, string otherKey)
    {
        var type = "hex-" + Unique();
        var first = NewId(type, key);
        var second = NewId(type, otherKey);

        // Both are first writes: had the keys shared a row, the second would be refused.
        await Storage.WriteStateAsync(StateName, first, new GrainState<Payload>(new Payload { Value = key }));
        await Storage.WriteStateAsync(StateName, second, new GrainState<Payload>(new Payload { Value = otherKey }));

        Assert.Equal(key, (await ReadAsync(first)).State?.Value);
        Assert.Equal(otherKey, (await ReadAsync(second)).State?.Value);
    }

    // A new grain must see "nothing stored" and a null ETag, which makes its first write an insert that loses
    // to any row written meanwhile.
    [Fact]
    public async Task A_grain_never_written_reads_as_no_record_with_a_null_etag()
    {
        var read = await ReadAsync(NewId("fresh", Unique()));

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Null(read.State.Value);
    }

    private static GrainId NewId(string type, string key) => GrainId.Create(type, key);

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    private static int Version(string? etag)
    {
        Assert.True(int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version), $"ETag '{etag}' is not an int");
        return version;
    }

    private async Task<GrainState<Payload>> ReadAsync(GrainId id)
    {
        var state = new GrainState<Payload>();
        await Storage.ReadStateAsync(StateName, id, state);
        return state;
    }

    public sealed class Payload
    {
        public string? Value { get; set; }
    }
}

public sealed class SqliteGrainStorageContractTests(SqliteStorageClusterFixture fixture)
    : GrainStorageContractTests(fixture), IClassFixture<SqliteStorageClusterFixture>;

public sealed class PostgresGrainStorageContractTests(PostgresStorageClusterFixture fixture)
    : GrainStorageContractTests(fixture), IClassFixture<PostgresStorageClusterFixture>;
