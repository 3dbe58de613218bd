using MirrorGate.GrainInterfaces.Usage;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// Group commit of usage records, one per silo: the records of concurrent requests go to the ledger in one
/// transaction, and each request's task completes only when the transaction holding its record is committed (the
/// relay sends an answer's final bytes after that, so a completed request's record is never lost). While a write is
/// under way the records that arrive wait for the next one: a record waits for at most the write in progress and its
/// own, of at most <see cref="MaxBatch"/> records. A failed write fails every record in it; the caller retries with the
/// same request id, which the ledger stores at most once.
/// <para>
/// The caller that finds no write under way leads: it writes the first batch itself, its own record first in it, and
/// hands what arrived meanwhile to a background writer. At low load each request then stores its record on its own
/// thread, with no hop to a writer and back (two thread switches, most of the relay's added latency at 500 req/s);
/// under load the background writer batches as before.
/// </para>
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
        var pending = new Pending(record, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (_gate)
        {
            _queue.Add(pending);
            lead = !_writing;
            _writing = true;
        }

        return lead ? LeadAsync(pending) : pending.Stored.Task;
    }

    // No write was under way, so the queue held nothing before this record: the first batch holds it.
    private async Task<bool> LeadAsync(Pending own)
    {
        await WriteBatchAsync(TakeBatch()!);
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
            }
            else
            {
                // Off the caller's scheduler (maybe a grain's), and not on the caller's time: the loop outlives this call.
                _ = Task.Run(WriteBatchesAsync);
            }
        }

        return await own.Stored.Task;
    }

    private async Task WriteBatchesAsync()
    {
        while (TakeBatch() is { } batch)
        {
            await WriteBatchAsync(batch);
        }
    }

    /// <summary>The next batch, or null (and no write under way any more) when nothing waits.</summary>
    private List<Pending>? TakeBatch()
    {
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
                return null;
            }

            if (_queue.Count <= MaxBatch)
            {
                var all = _queue;
                _queue = [];
                return all;
            }

            var first = _queue.GetRange(0, MaxBatch);
            _queue.RemoveRange(0, MaxBatch);
            return first;
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
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

    private sealed record Pending(UsageRecord Record, TaskCompletionSource<bool> Stored);
}
