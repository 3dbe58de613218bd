using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Embedded;
using MirrorGate.Silo.Usage;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Usage;

/// <summary>
/// The embedded node's usage journal (<see cref="UsageJournal"/>): a record is durable once appended, moved into the
/// ledger later, counted by every read made after it was appended, stored once, and never lost to a ledger that fails
/// or a process that stops before the move.
/// </summary>
public sealed class UsageJournalTests : IDisposable
{
    private static readonly DateTimeOffset Since = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    private string JournalPath => Path.Combine(_directory.Path, "usage");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_read_counts_every_record_appended_before_it_and_a_repeated_request_id_is_stored_once()
    {
        var ledger = new MemoryLedger();
        var journal = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await journal.OpenAsync(CancellationToken.None);

        await journal.RecordAsync(Record("a-1", "alice"));
        await journal.RecordAsync([Record("a-2", "alice"), Record("a-1", "alice"), Record("b-1", "bob")]);

        // The mover waits to gather records; the read does not wait for it.
        Assert.Equal(2, await journal.CountUserAsync("alice", Since));
        Assert.Equal(3, ledger.Count);
        await journal.DisposeAsync();
    }

    [Fact]
    public async Task On_an_embedded_store_the_records_reach_the_table_in_the_background_and_survive_a_restart()
    {
        var database = Path.Combine(_directory.Path, "node.db");
        await using (var store = new SqliteStateStore(database, NullLogger<SqliteStateStore>.Instance))
        {
            await store.MigrateAsync(CancellationToken.None);
            await store.UsageLedger.RecordAsync(Record("s-1", "carol"));
            await store.UsageLedger.RecordAsync(Record("s-2", "carol"));

            // Without a read, the mover stores them by itself.
            await Eventually.WaitUntilAsync(async () => await store.Usage.CountUserAsync("carol", Since) == 2, "the mover stores the records");
            await store.UsageLedger.RecordAsync(Record("s-3", "carol"));
        }

        await using (var again = new SqliteStateStore(database, NullLogger<SqliteStateStore>.Instance))
        {
            await again.MigrateAsync(CancellationToken.None);
            Assert.Equal(3, await again.Usage.CountUserAsync("carol", Since));
        }
    }

    [Fact]
    public async Task Records_a_failing_ledger_cannot_take_stay_in_the_journal_and_are_stored_once_it_recovers()
    {
        var ledger = new MemoryLedger { Failing = true };
        var journal = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await journal.OpenAsync(CancellationToken.None);

        Assert.True(await journal.RecordAsync(Record("f-1", "dave")));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => journal.CountUserAsync("dave", Since));
        Assert.True(await journal.RecordAsync(Record("f-2", "dave")));

        ledger.Failing = false;
        await Eventually.WaitUntilAsync(() => ledger.Count == 2, "the mover retries and stores both records");
        Assert.Equal(2, await journal.CountUserAsync("dave", Since));
        await journal.DisposeAsync();
    }

    [Fact]
    public async Task Records_left_by_a_process_whose_ledger_was_down_at_shutdown_are_stored_by_the_next_start()
    {
        var down = new MemoryLedger { Failing = true };
        var first = new UsageJournal(down, JournalPath, NullLogger.Instance);
        await first.OpenAsync(CancellationToken.None);
        await first.RecordAsync([Record("l-1", "erin"), Record("l-2", "erin")]);
        await first.DisposeAsync();
        Assert.Equal(0, down.Count);

        var ledger = new MemoryLedger();
        var next = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await next.OpenAsync(CancellationToken.None);

        Assert.Equal(["l-1", "l-2"], ledger.Ids);
        await next.DisposeAsync();

        // Stored, so emptied: a third start stores nothing again.
        var third = new UsageJournal(new MemoryLedger(), JournalPath, NullLogger.Instance);
        await third.OpenAsync(CancellationToken.None);
        Assert.Equal(0, await third.CountUserAsync("erin", Since));
        await third.DisposeAsync();
    }

    // Test clusters run several silos on one database file: each store has a journal of its own, locked while it lives.
    [Fact]
    public async Task A_live_journal_beside_a_new_one_is_left_alone_and_what_it_leaves_at_stop_goes_to_the_next_one_opened()
    {
        var down = new MemoryLedger { Failing = true };
        var first = new UsageJournal(down, JournalPath, NullLogger.Instance);
        await first.OpenAsync(CancellationToken.None);
        await first.RecordAsync(Record("live-1", "heidi"));

        var beside = new MemoryLedger();
        var second = new UsageJournal(beside, JournalPath, NullLogger.Instance);
        await second.OpenAsync(CancellationToken.None);
        Assert.Equal(0, beside.Count);

        await first.DisposeAsync();
        var third = new MemoryLedger();
        var next = new UsageJournal(third, JournalPath, NullLogger.Instance);
        await next.OpenAsync(CancellationToken.None);
        Assert.Equal(["live-1"], third.Ids);
        Assert.Equal(0, beside.Count);

        await second.DisposeAsync();
        await next.DisposeAsync();

        // Closed with nothing left to store, a journal's files are gone.
        Assert.Empty(Directory.GetFiles(_directory.Path, "usage.*"));
    }

    [Fact]
    public async Task An_append_cut_off_by_a_crash_is_dropped_and_the_whole_lines_before_it_are_stored()
    {
        var down = new MemoryLedger { Failing = true };
        var first = new UsageJournal(down, JournalPath, NullLogger.Instance);
        await first.OpenAsync(CancellationToken.None);
        await first.RecordAsync([Record("t-1", "frank"), Record("t-2", "frank")]);
        await first.DisposeAsync();

        // The process died while appending a third line: part of it reached the file, its request never finished.
        var segment = Directory.GetFiles(_directory.Path, "usage.*").Single(f => new FileInfo(f).Length > 0);
        await File.AppendAllTextAsync(segment, "{\"id\":\"t-3\",\"at\":19", Encoding.UTF8);

        var ledger = new MemoryLedger();
        var next = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await next.OpenAsync(CancellationToken.None);

        Assert.Equal(["t-1", "t-2"], ledger.Ids);
        Assert.False(File.Exists(segment));
        await next.DisposeAsync();
    }

    // Only the last line can be torn by a crash; a whole line that is not a record (the disk changed it) must neither
    // stop the node from starting nor take the records around it along.
    [Fact]
    public async Task A_whole_line_that_is_not_a_record_is_skipped_and_the_records_around_it_are_stored()
    {
        var down = new MemoryLedger { Failing = true };
        var first = new UsageJournal(down, JournalPath, NullLogger.Instance);
        await first.OpenAsync(CancellationToken.None);
        await first.RecordAsync(Record("b-1", "ivan\nwith a line break"));
        await first.DisposeAsync();
        var segment = Directory.GetFiles(_directory.Path, "usage.*").Single(f => new FileInfo(f).Length > 0);
        await File.AppendAllTextAsync(segment, "{\"id\":\"b-2\",\"at\":\"noon\",\"model\":\"m\",\"node\":\"n\"}\n{\"id\":\"b-3\",\"prompt\":99999999999}\n", Encoding.UTF8);
        await File.AppendAllTextAsync(segment, "{\"id\":\"b-4\",\"at\":1,\"model\":\"m\",\"account\":null,\"user\":\"ivan\",\"node\":\"n\",\"prompt\":1,\"completion\":2}\n", Encoding.UTF8);

        var ledger = new MemoryLedger();
        var next = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await next.OpenAsync(CancellationToken.None);

        Assert.Equal(["b-1", "b-4"], ledger.Ids);
        Assert.Equal(1, await next.CountUserAsync("ivan\nwith a line break", Since));
        await next.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_appends_while_moving_lose_nothing_and_store_nothing_twice()
    {
        var ledger = new MemoryLedger();
        var journal = new UsageJournal(ledger, JournalPath, NullLogger.Instance);
        await journal.OpenAsync(CancellationToken.None);

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                await journal.RecordAsync(Record($"c-{w}-{i}", "grace"));
                if (i % 100 == 0)
                {
                    await journal.FlushAsync();
                }
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(4000, await journal.CountUserAsync("grace", Since));
        Assert.Equal(4000, ledger.Count);
        Assert.Equal(0, ledger.Repeats);
        await journal.DisposeAsync();
    }

    private static UsageRecord Record(string id, string user) => new(id, Since.AddMinutes(1), "gpt-a", "key-1", user, "node-1", 3, 4);

    /// <summary>A ledger in memory that can be made to fail as an unavailable store does.</summary>
    private sealed class MemoryLedger : IUsageLedger
    {
        private readonly ConcurrentDictionary<string, UsageRecord> _records = new();
        private readonly ConcurrentQueue<string> _order = new();
        private int _repeats;

        public volatile bool Failing;

        public int Count => _records.Count;

        public int Repeats => _repeats;

        public string[] Ids => [.. _order];

        public Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
        {
            if (Failing)
            {
                return Task.FromException<ImmutableArray<bool>>(new StorageUnavailableException("the test's ledger is down"));
            }

            var stored = ImmutableArray.CreateBuilder<bool>(records.Count);
            foreach (var record in records)
            {
                var added = _records.TryAdd(record.RequestId, record);
                if (added)
                {
                    _order.Enqueue(record.RequestId);
                }
                else
                {
                    Interlocked.Increment(ref _repeats);
                }

                stored.Add(added);
            }

            return Task.FromResult(stored.MoveToImmutable());
        }

        public Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Failing
                ? Task.FromException<long>(new StorageUnavailableException("the test's ledger is down"))
                : Task.FromResult((long)_records.Values.Count(r => r.UserName == userName && r.At >= since));

        public Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
