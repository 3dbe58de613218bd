using System.Collections.Concurrent;

namespace MirrorGate.Silo.Counters;

/// <summary>Sliding windows for one node on its own: per key, the times of the uses still inside a window.</summary>
public sealed class InProcessRateWindowStore(TimeProvider time) : IRateWindowStore
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _nextId;

    public ValueTask<WindowReservation> TryReserveAsync(string key, TimeSpan window, int limit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var uses = _windows.GetOrAdd(key, static _ => new Window());
        lock (uses)
        {
            uses.Entries.RemoveAll(e => e.At <= now - window);
            if (uses.Entries.Count >= limit)
            {
                var retryAfter = uses.Entries.Count == 0 ? window : uses.Entries[0].At + window - now;
                return ValueTask.FromResult(WindowReservation.Refuse(uses.Entries.Count, retryAfter));
            }

            var id = Interlocked.Increment(ref _nextId);
            uses.Entries.Add(new Use(id, now));
            return ValueTask.FromResult(WindowReservation.Grant(id, uses.Entries.Count));
        }
    }

    public ValueTask ReleaseAsync(string key, long reservationId, CancellationToken cancellationToken = default)
    {
        if (_windows.TryGetValue(key, out var uses))
        {
            lock (uses)
            {
                uses.Entries.RemoveAll(e => e.Id == reservationId);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<int> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        if (!_windows.TryGetValue(key, out var uses))
        {
            return ValueTask.FromResult(0);
        }

        var since = time.GetUtcNow() - window;
        lock (uses)
        {
            return ValueTask.FromResult(uses.Entries.Count(e => e.At > since));
        }
    }

    private sealed class Window
    {
        // Kept in time order: uses are appended with the current time.
        public List<Use> Entries { get; } = [];
    }

    private readonly record struct Use(long Id, DateTimeOffset At);
}
