using System.Collections.Concurrent;

namespace MirrorGate.OpenAiSim;

/// <summary>The simulator's keys, per-key fault queues, call records and the gate that held requests wait on. Thread-safe.</summary>
internal sealed class SimState
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<QueuedFault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<OpenAiCall> _calls = new();
    private TaskCompletionSource _gate = NewGate();
    private int _held;

    public void AddKey(string key) => _keys[key] = 0;

    public bool IsKnown(string key) => _keys.ContainsKey(key);

    public void AddFault(string key, OpenAiFault fault)
    {
        if (fault.Times is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), "Times must be positive or null.");
        }

        var queue = _faults.GetOrAdd(key, static _ => []);
        lock (queue)
        {
            queue.Add(new QueuedFault(fault));
        }
    }

    public void ClearFaults(string key)
    {
        if (_faults.TryGetValue(key, out var queue))
        {
            lock (queue)
            {
                queue.Clear();
            }
        }
    }

    /// <summary>The fault that hits this request, using up one of its hits; null when none applies.</summary>
    public OpenAiFault? TakeFault(string key, string? model)
    {
        if (!_faults.TryGetValue(key, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            var match = queue.FirstOrDefault(q => q.Fault.Model is null || string.Equals(q.Fault.Model, model, StringComparison.Ordinal));
            if (match?.Remaining is { } left)
            {
                match.Remaining = left - 1;
                if (left == 1)
                {
                    queue.Remove(match);
                }
            }

            return match?.Fault;
        }
    }

    public void Record(OpenAiCall call) => _calls.Enqueue(call);

    public IReadOnlyList<OpenAiCall> Calls(string? key) => [.. _calls.Where(c => key is null || c.Key == key)];

    public void ResetCalls() => _calls.Clear();

    /// <summary>Requests waiting at the gate now.</summary>
    public int Held => Volatile.Read(ref _held);

    public async Task WaitAtGateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        try
        {
            await Volatile.Read(ref _gate).Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>Lets every held request go on; later held requests wait for the next release.</summary>
    public void Release() => Interlocked.Exchange(ref _gate, NewGate()).TrySetResult();

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class QueuedFault(OpenAiFault fault)
    {
        public OpenAiFault Fault { get; } = fault;

        public int? Remaining { get; set; } = fault.Times;
    }
}
