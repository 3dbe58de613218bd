using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Usage;

/// <summary>
/// The usage ledger (SQLite on one node, PostgreSQL in a cluster), reached through a stateless worker on the
/// caller's own silo, so that a front end needs no database of its own. Key: <see cref="Key"/>.
/// </summary>
[Alias("mg.IUsageGrain")]
public interface IUsageGrain : IGrainWithStringKey
{
    const string Key = "ledger";

    /// <summary>Stores the record once per request id; false when it was already stored (nothing counted twice).</summary>
    Task<bool> RecordAsync(UsageRecord record);

    /// <summary>Requests a user made since the start of the current local day.</summary>
    Task<long> CountUserTodayAsync(string userName);

    /// <summary>Requests per model an account served in each of the last <paramref name="hours"/> clock hours (index 0 = the current hour, local time).</summary>
    Task<ImmutableDictionary<string, long[]>> CountAccountHourlyAsync(string accountId, int hours);

    /// <summary>Up to <see cref="Queries.PageWindow.Limit"/> records matching <paramref name="query"/>, newest first (the console's usage list).</summary>
    Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query);
}
