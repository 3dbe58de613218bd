namespace MirrorGate.Silo.Counters;

/// <summary>
/// Exact integer counters shared by every node: use counts, requests in flight. Each method is one
/// atomic step, so that a PostgreSQL provider can implement it as one statement.
/// </summary>
public interface ICounterStore
{
    /// <summary>Adds <paramref name="delta"/> and returns the new value. A counter with a time to live disappears that long after its last change.</summary>
    ValueTask<long> AddAsync(string key, long delta, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    ValueTask<long> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every live counter whose key starts with <paramref name="prefix"/>.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one to the smallest counter among <paramref name="keys"/> (the first such key on a tie) and
    /// returns that key; null when <paramref name="keys"/> is empty. Used to pick the least loaded account.
    /// </summary>
    ValueTask<string?> IncrementSmallestAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);
}
