using System.Collections.Concurrent;

namespace MirrorGate.UpstreamSim.Faults;

/// <summary>Per-account fault queues. Each conversation POST takes at most one fault: the first queued
/// one whose model filter matches; it is used up after <see cref="SimFault.Times"/> hits.</summary>
internal sealed class FaultBook
{
    private readonly ConcurrentDictionary<string, List<QueuedFault>> _queues = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string email, SimFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Times is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), "Times must be positive or null.");
        }

        var queue = _queues.GetOrAdd(email, static _ => []);
        lock (queue)
        {
            queue.Add(new QueuedFault(fault));
        }
    }

    public void Clear(string email)
    {
        if (_queues.TryGetValue(email, out var queue))
        {
            lock (queue)
            {
                queue.Clear();
            }
        }
    }

    /// <summary>The fault that hits this request, consuming one of its hits; null when none applies.</summary>
    public SimFault? Take(string? email, string model)
    {
        if (email is null || !_queues.TryGetValue(email, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            var match = queue.FirstOrDefault(q => q.Fault.Model is null || string.Equals(q.Fault.Model, model, StringComparison.Ordinal));
            if (match is null)
            {
                return null;
            }

            if (match.Remaining is { } left)
            {
                match.Remaining = left - 1;
                if (left - 1 == 0)
                {
                    queue.Remove(match);
                }
            }

            return match.Fault;
        }
    }
}
