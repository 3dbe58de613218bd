using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MirrorGate.UpstreamSim.Diagnostics;

/// <summary>Counts calls per endpoint name, in total and per account email; lock-free for concurrent tests.</summary>
internal sealed class CallCounter
{
    // Key = (endpoint, email or "" for the total). A boxed counter lets Interlocked work on a shared slot.
    private readonly ConcurrentDictionary<(string Endpoint, string Email), StrongBox<int>> _counts = new();

    public void Record(string endpoint, string? email)
    {
        Interlocked.Increment(ref Slot(endpoint, "").Value);
        if (email is not null)
        {
            Interlocked.Increment(ref Slot(endpoint, email).Value);
        }
    }

    public int Count(string endpoint, string? email) =>
        _counts.TryGetValue((endpoint, email ?? ""), out var box) ? Volatile.Read(ref box.Value) : 0;

    public void Reset() => _counts.Clear();

    /// <summary>Every non-zero count, for the standalone <c>/_sim/calls</c> endpoint.</summary>
    public IReadOnlyList<(string Endpoint, string? Email, int Count)> Snapshot() =>
        [.. _counts
            .Select(kv => (kv.Key.Endpoint, kv.Key.Email.Length == 0 ? null : kv.Key.Email, Volatile.Read(ref kv.Value.Value)))
            .OrderBy(row => row.Endpoint, StringComparer.Ordinal)
            .ThenBy(row => row.Item2, StringComparer.Ordinal)];

    private StrongBox<int> Slot(string endpoint, string email) =>
        _counts.GetOrAdd((endpoint, email), static _ => new StrongBox<int>());
}
