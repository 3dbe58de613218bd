using MirrorGate.GrainInterfaces.Audit;
using MirrorGate.Grains.Audit;
using MirrorGate.Silo.Embedded;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MirrorGate.Tests.Storage;

/// <summary>The audit log's store on each database: one row per entry id, newest first, paged, filtered by actor.</summary>
public abstract class AuditStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected IAuditStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    protected abstract Task<IAuditStore> OpenAsync();

    protected abstract Task CloseAsync();

    [Fact]
    public async Task Lists_newest_first_in_pages_and_keeps_every_field()
    {
        var actor = "alice-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendAsync(Entry($"{actor}-{i}", actor, At.AddSeconds(i), target: i == 3 ? null : $"t{i}"));
        }

        var first = await Store.ListAsync(1, 2, actor);
        Assert.Equal(5, first.Total);
        Assert.Equal([$"{actor}-4", $"{actor}-3"], first.Entries.Select(e => e.Id));
        var third = await Store.ListAsync(3, 2, actor);
        Assert.Equal([$"{actor}-0"], third.Entries.Select(e => e.Id));

        var entry = first.Entries[1];
        Assert.Equal(Entry($"{actor}-3", actor, At.AddSeconds(3), target: null), entry);
    }

    [Fact]
    public async Task Entries_of_one_millisecond_list_last_written_first_and_an_id_is_stored_once()
    {
        var actor = "bob-" + Guid.NewGuid().ToString("N")[..8];
        await Store.AppendAsync(Entry($"{actor}-a", actor, At));
        await Store.AppendAsync(Entry($"{actor}-b", actor, At));
        await Store.AppendAsync(Entry($"{actor}-a", actor, At.AddDays(1)) with { Summary = "a retry" });

        var page = await Store.ListAsync(1, 10, actor);
        Assert.Equal(2, page.Total);
        Assert.Equal([$"{actor}-b", $"{actor}-a"], page.Entries.Select(e => e.Id));
        Assert.Equal("{\"user\":\"u1\"}", page.Entries[1].Summary);
    }

    [Fact]
    public async Task Without_an_actor_every_entry_counts()
    {
        var before = (await Store.ListAsync(1, 1, null)).Total;
        await Store.AppendAsync(Entry("x-" + Guid.NewGuid().ToString("N"), "carol", At));
        Assert.Equal(before + 1, (await Store.ListAsync(1, 1, null)).Total);
    }

    private static AuditEntry Entry(string id, string actor, DateTimeOffset at, string? target = "t") =>
        new(id, at, actor, "admin", "POST", "/adminapi/createActivationCode", target, "{\"user\":\"u1\"}", 200);
}

public sealed class SqliteAuditStoreContractTests : AuditStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteStateStore? _store;

    protected override async Task<IAuditStore> OpenAsync()
    {
        _store = new SqliteStateStore(Path.Combine(_directory.Path, "audit.db"), NullLogger<SqliteStateStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
        return _store.AuditStore;
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

public sealed class PostgresAuditStoreContractTests : AuditStoreContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IAuditStore> OpenAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.Store.AuditStore;
    }

    protected override async Task CloseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
