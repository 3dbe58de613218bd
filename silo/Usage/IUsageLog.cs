namespace MirrorGate.Silo.Usage;

/// <summary>
/// The record of served requests. A usage record is a side effect outside any grain's versioned
/// state, so it carries its own fence: the request id. Storing the same id twice (a retry after a
/// lost reply, a duplicate activation) stores nothing and moves no counter.
/// </summary>
public interface IUsageLog
{
    /// <summary>
    /// Stores <paramref name="record"/> and applies <paramref name="counters"/>, both or neither
    /// (PostgreSQL) and only the first time its request id is seen; false when it was already stored.
    /// </summary>
    Task<bool> RecordAsync(UsageRecord record, IReadOnlyList<CounterIncrement> counters, CancellationToken cancellationToken = default);
}
