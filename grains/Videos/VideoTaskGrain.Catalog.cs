using MirrorGate.GrainInterfaces.Videos;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Videos;

/// <summary>
/// The task's row in the searchable catalog (docs/console-data.md). It is written after a state write when it would
/// show something new — a progress-only poll moves nothing the row lists but <c>updated_at</c>, so it writes nothing —
/// and the activation remembers the row it wrote. A settled task keeps its reminder until its row is written.
/// </summary>
public sealed partial class VideoTaskGrain
{
    /// <summary>The catalog row this activation last wrote; null before its first write (a new activation writes again).</summary>
    private VideoTaskRecord? _listed;

    /// <summary>The catalog row matches the state in every column but <c>updated_at</c>.</summary>
    private bool IsListed => _listed is { } listed && Row() with { UpdatedAt = listed.UpdatedAt } == listed;

    /// <summary>
    /// Writes the catalog row unless the last one written shows the same. A row that fails to write is logged and left
    /// to the next save or, for a settled task, to the poll timer and the reminder, which stay until it is written.
    /// </summary>
    private async Task ListAsync()
    {
        if (IsListed)
        {
            return;
        }

        var row = Row();
        try
        {
            await catalog.UpsertAsync(row);
            _listed = row;
        }
        catch (Exception ex)
        {
            LogCatalogFailed(logger, ex, TaskId);
        }
    }

    private VideoTaskRecord Row()
    {
        var task = state.State;
        return new VideoTaskRecord(TaskId, task.Start!.UserId, task.Start.OrgId, task.Start.Order.Model, task.Status, task.State,
            task.Settlement, task.Start.Order.Amount, task.Error, task.CreatedAt, task.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video task {TaskId}: its row in the task list could not be written; it is written again later")]
    private static partial void LogCatalogFailed(ILogger logger, Exception exception, string taskId);
}
