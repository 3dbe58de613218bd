using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;
using MirrorGate.Silo.Embedded;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// The usage ledger on each database, called directly. It is written outside any grain's versioned state, so the
/// request id is its only fence against counting a retried request twice, and its counts drive user limits and
/// the admin's hourly view.
/// </summary>
public abstract class UsageLedgerContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Since = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private IUsageLedger? _ledger;

    private IUsageLedger Ledger => _ledger ?? throw new InvalidOperationException("The ledger is not open.");

    public async Task InitializeAsync() => _ledger = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    protected abstract Task<IUsageLedger> OpenAsync();

    protected abstract Task CloseAsync();

    // A retry of a settled request (a blinking store, a second activation) must not count twice.
    [Fact]
    public async Task The_same_request_id_recorded_twice_is_stored_once()
    {
        var user = Unique("user");

        Assert.True(await Ledger.RecordAsync(Record("req-1", Since, "gpt-a", user: user)));
        Assert.False(await Ledger.RecordAsync(Record("req-1", Since.AddMinutes(1), "gpt-b", user: user)));

        Assert.Equal(1, await Ledger.CountUserAsync(user, Since));
    }

    // The batcher's one transaction for many requests answers per record: a retried id in the batch stores nothing more.
    [Fact]
    public async Task A_batch_stores_each_new_request_id_once_and_says_which_were_stored_before()
    {
        var user = Unique("user");
        Assert.True(await Ledger.RecordAsync(Record("batch-old", Since, "gpt-a", user: user)));

        var stored = await Ledger.RecordAsync([
            Record("batch-new-1", Since, "gpt-a", user: user),
            Record("batch-old", Since, "gpt-a", user: user),
            Record("batch-new-2", Since, "gpt-b", user: user),
            Record("batch-new-1", Since, "gpt-a", user: user),
        ]);

        Assert.Equal([true, false, true, false], stored.ToArray());
        Assert.Equal(3, await Ledger.CountUserAsync(user, Since));
    }

    // A batch is one transaction: a record the table refuses takes the whole batch back, and the next batch is
    // stored as if nothing had happened (the embedded writer keeps its connection across batches).
    [Fact]
    public async Task A_batch_that_fails_stores_none_of_its_records_and_the_next_batch_is_stored()
    {
        var user = Unique("user");

        await Assert.ThrowsAnyAsync<Exception>(() => Ledger.RecordAsync([
            Record("fail-1", Since, "gpt-a", user: user),
            Record("fail-2", Since, null!, user: user),
        ]));

        Assert.Equal(0, await Ledger.CountUserAsync(user, Since));
        var stored = await Ledger.RecordAsync([Record("fail-1", Since, "gpt-a", user: user), Record("after-1", Since, "gpt-a", user: user)]);
        Assert.Equal([true, true], stored.ToArray());
        Assert.Equal(2, await Ledger.CountUserAsync(user, Since));
    }

    // Retries can also race each other: the database, not a read-then-insert, must decide.
    [Fact]
    public async Task The_same_request_id_recorded_concurrently_is_stored_once()
    {
        var user = Unique("user");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await Ledger.RecordAsync(Record("req-race", Since, "gpt-a", user: user));
        })).ToList();
        start.SetResult();

        var stored = await Task.WhenAll(attempts);

        Assert.Single(stored, s => s);
        Assert.Equal(1, await Ledger.CountUserAsync(user, Since));
    }

    // A user's daily limit counts that user's requests from the start of the day on, and nobody else's.
    [Fact]
    public async Task CountUserAsync_counts_only_that_users_records_at_or_after_since()
    {
        var user = Unique("user");
        await Ledger.RecordAsync(Record("u-before", Since.AddMilliseconds(-1), "gpt-a", user: user));
        await Ledger.RecordAsync(Record("u-at", Since, "gpt-a", user: user));
        await Ledger.RecordAsync(Record("u-later", Since.AddHours(5), "gpt-b", user: user));
        await Ledger.RecordAsync(Record("other-user", Since.AddMinutes(1), "gpt-a", user: Unique("user")));
        await Ledger.RecordAsync(Record("no-user", Since.AddMinutes(1), "gpt-a", user: null));

        Assert.Equal(2, await Ledger.CountUserAsync(user, Since));
        Assert.Equal(1, await Ledger.CountUserAsync(user, Since.AddMilliseconds(1)));
    }

    // The admin's per-hour view: bucket n holds [since + n h, since + (n+1) h), per model, this account only.
    [Fact]
    public async Task CountAccountHourlyAsync_buckets_per_model_and_whole_hour_after_since()
    {
        var account = Unique("account");
        await Ledger.RecordAsync(Record("a-10", Since.AddMinutes(10), "model-a", account: account));
        await Ledger.RecordAsync(Record("a-70", Since.AddMinutes(70), "model-a", account: account));
        await Ledger.RecordAsync(Record("a-70b", Since.AddMinutes(70), "model-a", account: account));
        await Ledger.RecordAsync(Record("b-0", Since, "model-b", account: account));
        await Ledger.RecordAsync(Record("b-60", Since.AddHours(1), "model-b", account: account));
        await Ledger.RecordAsync(Record("a-before", Since.AddMinutes(-1), "model-a", account: account));
        await Ledger.RecordAsync(Record("a-other", Since.AddMinutes(10), "model-a", account: Unique("account")));

        var counts = await Ledger.CountAccountHourlyAsync(account, Since);

        Assert.Equal(
            [new HourlyCount("model-a", 0, 1), new HourlyCount("model-a", 1, 2), new HourlyCount("model-b", 0, 1), new HourlyCount("model-b", 1, 1)],
            counts.OrderBy(c => c.Model, StringComparer.Ordinal).ThenBy(c => c.Bucket));
    }

    // The usage grain asks from the local midnight and local hour (a non-UTC offset on most servers); an instant
    // is an instant, whatever offset spells it.
    [Fact]
    public async Task Counts_accept_a_since_spelled_with_a_non_utc_offset()
    {
        var user = Unique("user");
        var account = Unique("account");
        await Ledger.RecordAsync(Record("o-before", Since.AddMinutes(-1), "model-a", user: user, account: account));
        await Ledger.RecordAsync(Record("o-after", Since.AddMinutes(30), "model-a", user: user, account: account));
        var localSince = Since.ToOffset(TimeSpan.FromHours(2));

        Assert.Equal(1, await Ledger.CountUserAsync(user, localSince));
        Assert.Equal([new HourlyCount("model-a", 0, 1)], (await Ledger.CountAccountHourlyAsync(account, localSince)).ToArray());
    }

    // The console's usage list: every filter narrows, newest first, and a keyset page continues exactly after the last
    // row shown, including across rows written in the same instant (ties go by request id, descending).
    [Fact]
    public async Task QueryAsync_filters_by_user_model_account_and_time_newest_first()
    {
        var user = Unique("user");
        var account = Unique("account");
        await Ledger.RecordAsync([
            Record("q-1", Since.AddMinutes(1), "model-a", user: user, account: account),
            Record("q-2", Since.AddMinutes(2), "model-b", user: user, account: account),
            Record("q-3", Since.AddMinutes(3), "model-a", user: user, account: Unique("account")),
            Record("q-4", Since.AddMinutes(4), "model-a", user: Unique("user"), account: account),
            Record("q-5", Since.AddMinutes(5), "model-a", user: user, account: account),
        ]);

        Assert.Equal(["q-5", "q-3", "q-2", "q-1"], Ids(await Ledger.QueryAsync(Query(user: user))));
        Assert.Equal(["q-5", "q-3", "q-1"], Ids(await Ledger.QueryAsync(Query(user: user, model: "model-a"))));
        Assert.Equal(["q-5", "q-1"], Ids(await Ledger.QueryAsync(Query(user: user, model: "model-a", account: account))));
        Assert.Equal(["q-5", "q-4", "q-2", "q-1"], Ids(await Ledger.QueryAsync(Query(account: account))));
        Assert.Equal(["q-3", "q-2"], Ids(await Ledger.QueryAsync(Query(user: user, from: Since.AddMinutes(2), to: Since.AddMinutes(5)))));

        var row = Assert.Single(await Ledger.QueryAsync(Query(user: user, model: "model-b")));
        Assert.Equal(Record("q-2", Since.AddMinutes(2), "model-b", user: user, account: account), row with { At = row.At.ToUniversalTime() });
    }

    [Fact]
    public async Task QueryAsync_pages_by_keyset_without_losing_or_repeating_rows_written_in_the_same_instant()
    {
        var user = Unique("user");
        var records = Enumerable.Range(0, 7).Select(i => Record($"same-{i}", Since, "model-a", user: user))
            .Concat(Enumerable.Range(0, 3).Select(i => Record($"later-{i}", Since.AddSeconds(1), "model-a", user: user)))
            .ToList();
        await Ledger.RecordAsync(records);

        var seen = new List<string>();
        PageAfter? after = null;
        for (var page = 0; page < 10; page++)
        {
            var rows = await Ledger.QueryAsync(Query(user: user, after: after, limit: 3));
            seen.AddRange(Ids(rows));
            if (rows.Length < 3)
            {
                break;
            }

            after = new PageAfter(rows[^1].At, rows[^1].RequestId);
        }

        Assert.Equal(["later-2", "later-1", "later-0", "same-6", "same-5", "same-4", "same-3", "same-2", "same-1", "same-0"], seen);
    }

    private static UsageQuery Query(string? user = null, string? model = null, string? account = null, DateTimeOffset? from = null, DateTimeOffset? to = null,
        PageAfter? after = null, int limit = 100) => new(user, model, account, new PageWindow(from, to, after, limit));

    private static string[] Ids(IEnumerable<UsageRecord> rows) => [.. rows.Select(r => r.RequestId)];

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static UsageRecord Record(string requestId, DateTimeOffset at, string model, string? user = null, string? account = null) =>
        new(requestId, at, model, account, user, "node-1", 10, 20);
}

public sealed class SqliteUsageLedgerContractTests : UsageLedgerContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteStateStore? _store;

    protected override async Task<IUsageLedger> OpenAsync()
    {
        _store = new SqliteStateStore(Path.Combine(_directory.Path, "usage.db"), NullLogger<SqliteStateStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);

        // The table's contract; the journal in front of it has its own tests (UsageJournalTests).
        return _store.Usage;
    }

    protected override async Task CloseAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _directory.Dispose();
    }
}

public sealed class PostgresUsageLedgerContractTests : UsageLedgerContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IUsageLedger> OpenAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.Store.UsageLedger;
    }

    protected override async Task CloseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
