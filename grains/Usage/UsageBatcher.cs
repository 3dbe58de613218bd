using MirrorGate.GrainInterfaces.Usage;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// Group commit of usage records, one per silo: the records of concurrent requests go to the ledger in one
/// transaction, and each request's task completes only when the transaction holding its record is committed (the
/// relay sends an answer's final bytes after that, so a completed request's record is never lost). While a write is
/// under way the records that arrive wait for the next one: a record waits for at most the write in progress and its
/// own, of at most <see cref="MaxBatch"/> records. A failed write fails every record in it; the caller retries with the
/// same request id, which the ledger stores at most once. A ledger that says grouping does not pay
/// (<see cref="IUsageLedger.GroupCommit"/>) gets each record at once.
/// </summary>
public sealed class UsageBatcher(IUsageLedger ledger)
{
    /// <summary>The most records in one transaction.</summary>
    public const int MaxBatch = 512;

    private readonly Lock _gate = new();
    private List<Pending> _queue = [];
    private bool _writing;

    /// <summary>Stores the record with the next batch; false when its request id was stored before.</summary>
    public Task<bool> RecordAsync(UsageRecord record)
    {
        if (!ledger.GroupCommit)
        {
            return ledger.RecordAsync(record);
        }

        var pending = new Pending(record, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            // Off the caller's scheduler (a grain's): the loop outlives the call that started it.
            _ = Task.Run(WriteBatchesAsync);
        }

        return pending.Stored.Task;
    }

    private async Task WriteBatchesAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                var stored = await ledger.RecordAsync(batch.ConvertAll(p => p.Record));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Stored.SetResult(stored[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Stored.SetException(ex);
                }
            }
        }
    }

    private sealed record Pending(UsageRecord Record, TaskCompletionSource<bool> Stored);
}
