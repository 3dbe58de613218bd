using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// The usage ledger's door, a stateless worker: it runs on the caller's own silo (no hop for a co-hosted front
/// end) and in as many copies as there are cores. Records are stored in batches (<see cref="UsageRecorder"/>); the worker is
/// reentrant, so that the requests waiting for a batch do not hold its few copies and keep the next batch from filling.
/// </summary>
[GrainType("usage")]
[StatelessWorker]
[Reentrant]
public sealed class UsageGrain(IUsageLedger ledger, UsageRecorder recorder, [FromKeyedServices(GatewayClock.Key)] TimeProvider time) : Grain, IUsageGrain
{
    public Task<bool> RecordAsync(UsageRecord record) => recorder.RecordAsync(record);

    public Task<long> CountUserTodayAsync(string userName)
    {
        var local = time.GetLocalNow();
        return ledger.CountUserAsync(userName, new DateTimeOffset(local.Date, local.Offset));
    }

    public async Task<ImmutableDictionary<string, long[]>> CountAccountHourlyAsync(string accountId, int hours)
    {
        // Buckets run forward from the start of the oldest hour asked for; the answer counts back from the current one.
        var local = time.GetLocalNow();
        var currentHour = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
        var since = currentHour.AddHours(1 - hours);
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (model, bucket, count) in await ledger.CountAccountHourlyAsync(accountId, since))
        {
            var index = hours - 1 - bucket;
            if (index >= 0 && index < hours)
            {
                var buckets = result.TryGetValue(model, out var existing) ? existing : result[model] = new long[hours];
                buckets[index] += count;
            }
        }

        return result.ToImmutableDictionary(StringComparer.Ordinal);
    }

    public Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query) => ledger.QueryAsync(query);
}
