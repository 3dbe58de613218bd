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
    /// The chosen counter has no expiry afterwards, as after <see cref="AddAsync"/> without a time to live.
    /// </summary>
    ValueTask<string?> IncrementSmallestAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        IncrementSmallestAsync(keys, timeToLive: null, cancellationToken);

    /// <summary>
    /// As <see cref="IncrementSmallestAsync(IReadOnlyList{string}, CancellationToken)"/>, and the chosen
    /// counter then disappears <paramref name="timeToLive"/> after this change (null: no expiry). An
    /// in-flight count carries one as a safety net: a count that a dead node never gave back ages out
    /// instead of keeping its account looking busy forever. Every later add to the counter must pass
    /// the time to live again, or the counter stops expiring.
    /// </summary>
    ValueTask<string?> IncrementSmallestAsync(IReadOnlyList<string> keys, TimeSpan? timeToLive, CancellationToken cancellationToken = default);
}
