using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Videos;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Videos;

/// <summary>A user's video tasks (newest last), capped at <see cref="VideoTaskOptions.IndexCapacity"/>.</summary>
[GrainType("video-task-index")]
public sealed class VideoTaskIndexGrain(
    [PersistentState("video-task-index")] IPersistentState<VideoTaskIndexState> state,
    IOptionsMonitor<VideoTaskOptions> options) : Grain, IVideoTaskIndexGrain
{
    public async Task AddAsync(string taskId, DateTimeOffset createdAt)
    {
        if (state.State.Tasks.Any(t => t.TaskId == taskId))
        {
            return;
        }

        var tasks = state.State.Tasks.Add(new VideoTaskEntry(taskId, createdAt));
        var capacity = Math.Max(1, options.CurrentValue.IndexCapacity);
        state.State.Tasks = tasks.Length > capacity ? tasks.RemoveRange(0, tasks.Length - capacity) : tasks;
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<VideoTaskEntry>> ListAsync(DateTimeOffset since) =>
        Task.FromResult(state.State.Tasks.Where(t => t.CreatedAt >= since).ToImmutableArray());
}

[GenerateSerializer, Alias("mg.VideoTaskIndexState")]
public sealed class VideoTaskIndexState
{
    [Id(0)] public ImmutableArray<VideoTaskEntry> Tasks { get; set; } = [];
}
