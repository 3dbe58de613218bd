using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Videos;

namespace MirrorGate.Grains.Videos;

/// <summary>
/// The searchable copy of every video task (table <c>mg_video_task</c>, silo/ provides it on SQLite and PostgreSQL).
/// Each task's grain rewrites its row after a state write that changes what the row lists (not for progress alone), so
/// the row is at most one failed write behind the grain, which stays the truth, and a settled task keeps its reminder
/// until its settled row is written; a task's own page (<c>get_my_asynctasks</c>) still reads the grain.
/// </summary>
public interface IVideoTaskCatalog
{
    /// <summary>Writes the task's row, replacing the one stored (the grain's writes are ordered, so the last one wins).</summary>
    Task UpsertAsync(VideoTaskRecord task, CancellationToken cancellationToken = default);

    /// <summary>Up to <c>query.Page.Limit</c> rows matching every given filter, newest first (ties by task id, descending).</summary>
    Task<ImmutableArray<VideoTaskRecord>> QueryAsync(VideoTaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many tasks are in each status (<c>PENDING</c>, <c>SUCCEEDED</c>, <c>FAILED</c>); a status with none is absent.</summary>
    Task<ImmutableDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken = default);
}
