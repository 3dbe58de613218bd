namespace MirrorGate.Grains.Storage;

/// <summary>
/// Group commit of one grain state for calls that interleave (<c>[AlwaysInterleave]</c>): each call changes the state in
/// memory within its own turn (so decisions stay exact: one activation, one turn at a time), then awaits
/// <see cref="CommitAsync"/>, which completes when a write that began after its change is stored. While a write is
/// under way the calls that arrive join the next one, so there is at most one write in flight and one waiting, and a
/// caller waits for at most two writes. Every caller is still answered only after its change is stored.
/// <para>
/// A failed write fails its callers and those waiting for the next (their changes are in memory only), and every
/// later caller of this activation: the silo drops an activation whose write failed, and the next one reads what is
/// stored. Runs on the activation's scheduler only (no <c>ConfigureAwait(false)</c>), so it needs no lock.
/// </para>
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private TaskCompletionSource? _next;
    private bool _writing;
    private Exception? _failed;

    /// <summary>Completes when the current in-memory state is stored; faults when that write failed.</summary>
    public Task CommitAsync()
    {
        if (_failed is not null)
        {
            return Task.FromException(_failed);
        }

        var batch = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _ = WriteBatchesAsync();
        }

        return batch.Task;
    }

    private async Task WriteBatchesAsync()
    {
        _writing = true;
        try
        {
            while (_next is { } batch)
            {
                _next = null;
                try
                {
                    await write();
                }
                catch (Exception ex)
                {
                    _failed = ex;
                    batch.SetException(ex);
                    _next?.SetException(ex);
                    _next = null;
                    return;
                }

                batch.SetResult();
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
