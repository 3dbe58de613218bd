using System.Collections.Concurrent;

namespace MirrorGate.Silo.Counters;

/// <summary>Counters for one node on its own. Lost on restart; they hold counts, never money.</summary>
public sealed class InProcessCounterStore(TimeProvider time) : ICounterStore
{
    private readonly ConcurrentDictionary<string, Entry> _counters = new(StringComparer.Ordinal);
    private readonly Lock _pickLock = new();

    public ValueTask<long> AddAsync(string key, long delta, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var expires = timeToLive is { } ttl ? now + ttl : DateTimeOffset.MaxValue;
        while (true)
        {
            var entry = _counters.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // pruned between lookup and lock; take the fresh entry
                }

                if (entry.ExpiresAt <= now)
                {
                    entry.Value = 0;
                }

                entry.Value += delta;
                entry.ExpiresAt = expires;
                return ValueTask.FromResult(entry.Value);
            }
        }
    }

    public ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_counters.TryGetValue(key, out var entry) ? Read(entry) : 0);

    public ValueTask<IReadOnlyDictionary<string, long>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, entry) in _counters)
        {
            PruneIfExpired(key, entry);
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var value = Read(entry);
                if (value != 0)
                {
                    result[key] = value;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(result);
    }

    public ValueTask<string?> IncrementSmallestAsync(IReadOnlyList<string> keys, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return ValueTask.FromResult<string?>(null);
        }

        // One lock for the read-compare-increment so two picks never both see the same minimum.
        lock (_pickLock)
        {
            string? best = null;
            var bestValue = long.MaxValue;
            foreach (var key in keys)
            {
                var value = _counters.TryGetValue(key, out var entry) ? Read(entry) : 0;
                if (value < bestValue)
                {
                    (best, bestValue) = (key, value);
                }
            }

            _ = AddAsync(best!, 1, timeToLive, cancellationToken);
            return ValueTask.FromResult(best);
        }
    }

    /// <summary>Expired counters are dropped when a scan passes them, so hourly buckets do not pile up.</summary>
    private void PruneIfExpired(string key, Entry entry)
    {
        lock (entry)
        {
            if (!entry.Removed && entry.ExpiresAt <= time.GetUtcNow())
            {
                entry.Removed = true;
                _counters.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private long Read(Entry entry)
    {
        lock (entry)
        {
            return entry.ExpiresAt <= time.GetUtcNow() ? 0 : entry.Value;
        }
    }

    private sealed class Entry
    {
        public long Value { get; set; }

        public DateTimeOffset ExpiresAt { get; set; } = DateTimeOffset.MaxValue;

        public bool Removed { get; set; }
    }
}
