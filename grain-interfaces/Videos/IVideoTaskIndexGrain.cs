using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Videos;

/// <summary>One user's video tasks, newest last (key: the platform user id), for <c>get_my_asynctasks</c>.</summary>
[Alias("mg.IVideoTaskIndexGrain")]
public interface IVideoTaskIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds a task (once per id).</summary>
    Task AddAsync(string taskId, DateTimeOffset createdAt);

    /// <summary>The user's tasks created at or after <paramref name="since"/>.</summary>
    Task<ImmutableArray<VideoTaskEntry>> ListAsync(DateTimeOffset since);
}

[GenerateSerializer, Immutable, Alias("mg.VideoTaskEntry")]
public sealed record VideoTaskEntry([property: Id(0)] string TaskId, [property: Id(1)] DateTimeOffset CreatedAt);
