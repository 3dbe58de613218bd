using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Usage;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// Where usage records are kept: a table in the node's SQLite file, or in the cluster's PostgreSQL (silo/ provides
/// both). A record is a side effect outside any grain's versioned state, so it carries its own fence: the request
/// id. Storing the same id twice stores nothing.
/// </summary>
public interface IUsageLedger
{
    /// <summary>
    /// Stores the records in one transaction (all or none), each unless its request id is already stored; per record,
    /// in order, false when it was. <see cref="UsageBatcher"/> groups concurrent requests' records into one call. A
    /// ledger that does not group (<see cref="GroupCommit"/> false: the embedded node's journal) makes them durable
    /// and answers true for each; a repeated id is found, stored nothing for and logged when it moves them on.
    /// </summary>
    Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether concurrent records are worth grouping into one call (<see cref="UsageBatcher"/>): true for a database
    /// transaction; false for a ledger whose call is one cheap append (the embedded node's journal), which each
    /// record then calls at once, on the caller's thread.
    /// </summary>
    bool GroupCommit => true;

    /// <summary>Records of <paramref name="userName"/> at or after <paramref name="since"/>.</summary>
    Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Records of <paramref name="accountId"/> at or after <paramref name="since"/>, per model and per whole hour after it (bucket 0 starts at <paramref name="since"/>).</summary>
    Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <c>query.Page.Limit</c> records matching every given filter, newest first (ties by request id, descending),
    /// strictly after <c>query.Page.After</c> in that order.
    /// </summary>
    Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default);
}

public static class UsageLedgerExtensions
{
    /// <summary>Stores one record unless its request id is already stored; false when it was.</summary>
    public static async Task<bool> RecordAsync(this IUsageLedger ledger, UsageRecord record, CancellationToken cancellationToken = default) =>
        (await ledger.RecordAsync([record], cancellationToken))[0];
}

/// <summary>How many records of one model fell into one hour bucket.</summary>
public readonly record struct HourlyCount(string Model, int Bucket, long Count);
