using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Users;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Usage;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// Records a served request once: the usage record and the counters the admin API reads (the account's
/// hourly use per model, the user's daily use) in one idempotent step keyed by the request id. A
/// database that blinks gets a few quick retries with the same id, which cannot count twice.
/// </summary>
public sealed partial class UsageRecorder(IUsageLog log, SiloIdentity node, TimeProvider time, ILogger<UsageRecorder> logger)
{
    private const int Attempts = 3;

    /// <summary>A new request id: time-ordered, unique across nodes and restarts.</summary>
    public static string NewRequestId() => Guid.CreateVersion7().ToString("N");

    public async Task RecordAsync(string requestId, string model, string? accountId, string? userName, int promptTokens, int completionTokens, CancellationToken cancellationToken = default)
    {
        var record = new UsageRecord(requestId, time.GetUtcNow(), model, accountId, userName, node.NodeId, promptTokens, completionTokens);
        var counters = new List<CounterIncrement>(2);
        if (accountId is not null)
        {
            counters.Add(new CounterIncrement(UseCounters.Key(accountId, model, UseCounters.HourOf(time)), 1, UseCounters.Retention));
        }

        if (userName is not null)
        {
            counters.Add(new CounterIncrement(UserUseCounters.DayKey(userName, time), 1, UserUseCounters.Retention));
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!await log.RecordAsync(record, counters, cancellationToken))
                {
                    LogAlreadyRecorded(logger, requestId);
                }

                return;
            }
            catch (StorageUnavailableException) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage of request {RequestId} was already recorded; not counted again")]
    private static partial void LogAlreadyRecorded(ILogger logger, string requestId);
}
