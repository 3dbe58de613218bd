using System.Collections.Concurrent;
using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;

namespace MirrorGate.Tests.Usage;

/// <summary>
/// Group commit (<see cref="UsageBatcher"/>): a record that finds no write under way is written at once; records that arrive
/// during a write go together in the next transaction; each caller's task ends when its own record is committed,
/// and a failed write fails exactly its own records.
/// </summary>
public sealed class UsageBatcherTests
{
    [Fact]
    public async Task A_lone_record_is_written_at_once_and_records_arriving_during_a_write_share_the_next_transaction()
    {
        var ledger = new GatedLedger();
        var batcher = new UsageBatcher(ledger);

        var first = batcher.RecordAsync(Record("r0"));
        await ledger.WriteStarted.WaitAsync(TimeSpan.FromSeconds(10));
        var later = Enumerable.Range(1, 10).Select(i => batcher.RecordAsync(Record("r" + i))).ToArray();
        Assert.False(first.IsCompleted);
        Assert.All(later, t => Assert.False(t.IsCompleted));

        // The first record's task ends with its own transaction, before the next one (still held) commits.
        ledger.Release();
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        await ledger.WriteStarted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(later, t => Assert.False(t.IsCompleted));
        ledger.Release();
        Assert.All(await Task.WhenAll(later).WaitAsync(TimeSpan.FromSeconds(10)), Assert.True);

        Assert.Equal([1, 10], ledger.BatchSizes);

        // Idle again: the next record starts a write of its own.
        ledger.ReleaseAll();
        Assert.True(await batcher.RecordAsync(Record("r11")).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([1, 10, 1], ledger.BatchSizes);
    }

    [Fact]
    public async Task A_failed_write_fails_its_own_records_only_and_the_batcher_keeps_writing()
    {
        var ledger = new GatedLedger { FailNext = true };
        var batcher = new UsageBatcher(ledger);
        ledger.ReleaseAll();

        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RecordAsync(Record("fails")).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await batcher.RecordAsync(Record("after")).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await batcher.RecordAsync(Record("after")).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static UsageRecord Record(string id) => new(id, DateTimeOffset.UnixEpoch, "gpt-4o-mini", "acct", "user", "node", 1, 1);

    /// <summary>A ledger whose writes wait for the test, recording each transaction's size; ids are stored once.</summary>
    // The embedded journal appends in microseconds: handing its records to a writer task would cost more than it saves.
    [Fact]
    public async Task A_ledger_that_does_not_group_gets_each_record_at_once_on_the_callers_thread()
    {
        var ledger = new GatedLedger { GroupCommit = false };
        ledger.ReleaseAll();
        var batcher = new UsageBatcher(ledger);

        var calls = Enumerable.Range(0, 3).Select(i => batcher.RecordAsync(Record("g" + i))).ToArray();

        Assert.All(calls, call => Assert.True(call.IsCompleted));
        Assert.All(await Task.WhenAll(calls), Assert.True);
        Assert.Equal([1, 1, 1], ledger.BatchSizes);
    }

    private sealed class GatedLedger : IUsageLedger
    {
        private readonly ConcurrentDictionary<string, bool> _stored = new();
        private readonly SemaphoreSlim _release = new(0);
        private readonly SemaphoreSlim _started = new(0);
        private bool _open;

        public bool FailNext { get; set; }

        public bool GroupCommit { get; init; } = true;

        public List<int> BatchSizes { get; } = [];

        public Task WriteStarted => _started.WaitAsync();

        public void Release() => _release.Release();

        public void ReleaseAll()
        {
            _open = true;
            _release.Release(1000);
        }

        public async Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
        {
            lock (BatchSizes)
            {
                BatchSizes.Add(records.Count);
            }

            _started.Release();
            if (!_open)
            {
                await _release.WaitAsync(cancellationToken);
            }

            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("the store blinked");
            }

            return [.. records.Select(r => _stored.TryAdd(r.RequestId, true))];
        }

        public Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
