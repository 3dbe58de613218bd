using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// The usage ledger's door, a stateless worker: it runs on the caller's own silo (no hop for a co-hosted front
/// end) and in as many copies as there are cores. Records are stored in batches (<see cref="UsageBatcher"/>); the worker is reentrant, so that
/// the requests waiting for a batch do not hold its few copies and keep the next batch from filling. A store that blinks gets a few quick retries with the same
/// request id, which cannot count twice.
/// </summary>
[GrainType("usage")]
[StatelessWorker]
[Reentrant]
public sealed partial class UsageGrain(IUsageLedger ledger, UsageBatcher batcher, [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<UsageGrain> logger) : Grain, IUsageGrain
{
    private const int Attempts = 3;

    public async Task<bool> RecordAsync(UsageRecord record)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stored = await batcher.RecordAsync(record);
                if (!stored)
                {
                    LogAlreadyRecorded(logger, record.RequestId);
                }

                return stored;
            }
            catch (StorageUnavailableException) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage of request {RequestId} was already recorded; not counted again")]
    private static partial void LogAlreadyRecorded(ILogger logger, string requestId);
}
