using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Usage;

/// <summary>
/// Stores one usage record with this silo's next batch (<see cref="UsageBatcher"/>; on the embedded node, an append to
/// its usage journal), retrying a store that blinks a few times with the same request id, which cannot count twice.
/// The usage grain calls it; so does a node's front end when the node hosts the silo, without the grain call (the
/// stateless worker would run on that silo anyway).
/// </summary>
public sealed partial class UsageRecorder(UsageBatcher batcher, ILogger<UsageRecorder> logger)
{
    private const int Attempts = 3;

    /// <summary>True when stored now, false when the request id was stored before.</summary>
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage of request {RequestId} was already recorded; not counted again")]
    private static partial void LogAlreadyRecorded(ILogger logger, string requestId);
}
