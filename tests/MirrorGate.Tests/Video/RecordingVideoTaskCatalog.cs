using System.Collections.Concurrent;
using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.Grains.Videos;

namespace MirrorGate.Tests.Video;

/// <summary>
/// The node's own video task catalog with a recorder in front: every row a task writes is kept in order, and for the
/// orgs told to, the first settled row of each task is refused (as a store that blinked would), once.
/// </summary>
public sealed class RecordingVideoTaskCatalog(IVideoTaskCatalog inner) : IVideoTaskCatalog
{
    private readonly ConcurrentDictionary<string, ImmutableList<VideoTaskRecord>> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refusingOrgs = new(StringComparer.Ordinal);

    /// <summary>From now on, the first settled row (charged or released) of each task of <paramref name="org"/> fails to write.</summary>
    public void RefuseFirstSettledRow(string org) => _refusingOrgs[org] = true;

    /// <summary>The rows <paramref name="taskId"/> wrote, oldest first (refused ones not included).</summary>
    public ImmutableList<VideoTaskRecord> Written(string taskId) => _written.GetValueOrDefault(taskId, []);

    public int Refused(string taskId) => _refused.GetValueOrDefault(taskId);

    public async Task UpsertAsync(VideoTaskRecord task, CancellationToken cancellationToken = default)
    {
        if (task.Settlement is not VideoSettlement.Held && _refusingOrgs.ContainsKey(task.OrgId) && _refused.TryAdd(task.TaskId, 1))
        {
            throw new InvalidOperationException("The test catalog refused this write.");
        }

        await inner.UpsertAsync(task, cancellationToken);
        _written.AddOrUpdate(task.TaskId, _ => [task], (_, rows) => rows.Add(task));
    }

    public Task<ImmutableArray<VideoTaskRecord>> QueryAsync(VideoTaskQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(query, cancellationToken);

    public Task<ImmutableDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken = default) =>
        inner.CountByStatusAsync(cancellationToken);
}
