using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.Grains.Videos;
using MirrorGate.Silo.Embedded;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// The video tasks' searchable copy on each database: a task's grain rewrites its row at every save, so an upsert must
/// replace what changes and keep what does not, and the console's filters must narrow it newest first.
/// </summary>
public abstract class VideoTaskCatalogContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private IVideoTaskCatalog Catalog { get; set; } = null!;

    public async Task InitializeAsync() => Catalog = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    protected abstract Task<IVideoTaskCatalog> OpenAsync();

    protected abstract Task CloseAsync();

    [Fact]
    public async Task A_rewritten_task_has_one_row_with_its_latest_state()
    {
        var org = Unique("org");
        var task = Task(Unique("t"), "user-1", org, At);
        await Catalog.UpsertAsync(task);
        await Catalog.UpsertAsync(task with { Status = VideoStatus.Failed, State = "failed", Settlement = VideoSettlement.Released, Error = "boom", UpdatedAt = At.AddMinutes(3) });

        var row = Assert.Single(await Catalog.QueryAsync(new VideoTaskQuery(null, org, null, new PageWindow(null, null, null, 10))));

        Assert.Equal(task with { Status = VideoStatus.Failed, State = "failed", Settlement = VideoSettlement.Released, Error = "boom", UpdatedAt = At.AddMinutes(3) }, row);
    }

    [Fact]
    public async Task Tasks_filter_by_user_org_status_and_time_newest_first_and_page_by_keyset()
    {
        var (org, user) = (Unique("org"), Unique("user"));
        await Catalog.UpsertAsync(Task("a", user, org, At));
        await Catalog.UpsertAsync(Task("b", user, org, At.AddMinutes(1)) with { Status = VideoStatus.Succeeded, Settlement = VideoSettlement.Charged });
        await Catalog.UpsertAsync(Task("c", "someone-else", org, At.AddMinutes(1)));
        await Catalog.UpsertAsync(Task("d", user, Unique("org"), At.AddMinutes(2)));

        Assert.Equal(["c", "b", "a"], Ids(await Catalog.QueryAsync(new VideoTaskQuery(null, org, null, new PageWindow(null, null, null, 10)))));
        Assert.Equal(["d", "b", "a"], Ids(await Catalog.QueryAsync(new VideoTaskQuery(user, null, null, new PageWindow(null, null, null, 10)))));
        Assert.Equal(["b"], Ids(await Catalog.QueryAsync(new VideoTaskQuery(user, null, VideoStatus.Succeeded, new PageWindow(null, null, null, 10)))));
        Assert.Equal(["c", "b"], Ids(await Catalog.QueryAsync(new VideoTaskQuery(null, org, null, new PageWindow(At.AddMinutes(1), At.AddMinutes(2), null, 10)))));
        Assert.Equal(["b", "a"], Ids(await Catalog.QueryAsync(new VideoTaskQuery(null, org, null, new PageWindow(null, null, new PageAfter(At.AddMinutes(1), "c"), 10)))));
    }

    [Fact]
    public async Task Tasks_are_counted_by_their_latest_status()
    {
        var before = await Catalog.CountByStatusAsync();
        var org = Unique("org");
        await Catalog.UpsertAsync(Task(Unique("p"), "user-1", org, At));
        await Catalog.UpsertAsync(Task(Unique("p"), "user-1", org, At));
        var failed = Task(Unique("f"), "user-1", org, At);
        await Catalog.UpsertAsync(failed);
        await Catalog.UpsertAsync(failed with { Status = VideoStatus.Failed, Settlement = VideoSettlement.Released, UpdatedAt = At.AddMinutes(1) });

        var after = await Catalog.CountByStatusAsync();

        Assert.Equal(2, after.GetValueOrDefault(VideoStatus.Pending) - before.GetValueOrDefault(VideoStatus.Pending));
        Assert.Equal(1, after.GetValueOrDefault(VideoStatus.Failed) - before.GetValueOrDefault(VideoStatus.Failed));
        Assert.Equal(before.GetValueOrDefault(VideoStatus.Succeeded), after.GetValueOrDefault(VideoStatus.Succeeded));
    }

    private static VideoTaskRecord Task(string id, string user, string org, DateTimeOffset at) =>
        new(id, user, org, "viduq1", VideoStatus.Pending, "processing", VideoSettlement.Held, 1.5m, null, at, at);

    private static string[] Ids(IEnumerable<VideoTaskRecord> rows) => [.. rows.Select(r => r.TaskId)];

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

public sealed class SqliteVideoTaskCatalogContractTests : VideoTaskCatalogContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteStateStore? _store;

    protected override async Task<IVideoTaskCatalog> OpenAsync()
    {
        _store = new SqliteStateStore(Path.Combine(_directory.Path, "videos.db"), NullLogger<SqliteStateStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
        return _store.VideoTaskCatalog;
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

public sealed class PostgresVideoTaskCatalogContractTests : VideoTaskCatalogContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IVideoTaskCatalog> OpenAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.Store.VideoTaskCatalog;
    }

    protected override async Task CloseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
