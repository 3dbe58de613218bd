using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Videos;
using Orleans.Concurrency;

namespace MirrorGate.Grains.Videos;

/// <summary>The console's video task list: a stateless worker over the catalog, on the caller's own silo.</summary>
[GrainType("video-task-search")]
[StatelessWorker]
[Reentrant]
public sealed class VideoTaskSearchGrain(IVideoTaskCatalog catalog) : Grain, IVideoTaskSearchGrain
{
    public Task<ImmutableArray<VideoTaskRecord>> QueryAsync(VideoTaskQuery query) => catalog.QueryAsync(query);

    public Task<ImmutableDictionary<string, long>> CountByStatusAsync() => catalog.CountByStatusAsync();
}
