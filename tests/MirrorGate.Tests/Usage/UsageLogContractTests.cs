using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Counters.Postgres;
using MirrorGate.Silo.Storage.Sqlite;
using MirrorGate.Silo.Usage;
using MirrorGate.Silo.Usage.Postgres;
using MirrorGate.Silo.Usage.Sqlite;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Usage;

/// <summary>What every <see cref="IUsageLog"/> must do: a request id is recorded, and counted, once.</summary>
public abstract class UsageLogContractTests
{
    protected abstract IUsageLog Log { get; }

    protected abstract ICounterStore Counters { get; }

    [Fact]
    public async Task A_request_id_recorded_again_or_concurrently_stores_nothing_more_and_counts_once()
    {
        var key = "use:" + Guid.NewGuid().ToString("N");
        var record = new UsageRecord(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, "auto", "acct", "user", "node", 10, 20);
        CounterIncrement[] counters = [new(key, 1, TimeSpan.FromHours(1))];

        var first = await Log.RecordAsync(record, counters);
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Log.RecordAsync(record, counters))));

        Assert.True(first);
        Assert.All(retries, Assert.False);
        Assert.Equal(1, await Counters.GetAsync(key));
    }
}

public sealed class SqliteUsageLogTests : UsageLogContractTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly SqliteDatabase _database;

    public SqliteUsageLogTests()
    {
        _database = new SqliteDatabase(Path.Combine(_folder.Path, "usage.db"));
        Counters = new InProcessCounterStore(TimeProvider.System);
        Log = new SqliteUsageLog(_database, Counters);
    }

    protected override IUsageLog Log { get; }

    protected override ICounterStore Counters { get; }

    public void Dispose()
    {
        _database.Dispose();
        _folder.Dispose();
    }
}

public sealed class PostgresUsageLogTests : UsageLogContractTests, IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    protected override IUsageLog Log => new PostgresUsageLog(_database!.Database);

    protected override ICounterStore Counters => new PostgresCounterStore(_database!.Database, TimeProvider.System);

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();
}
