using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Usage;

namespace MirrorGate.Api.Chat;

/// <summary>What settling a turn writes: the conversation's record through its grain, and the usage record.</summary>
/// <remarks>
/// <paramref name="local"/> is the silo's usage recorder, registered only where the node hosts a silo: there the usage
/// grain, a stateless worker, would run on this silo anyway, so the recorder is called without the grain call (issue 9's
/// profile: the call was about 5 % of a channel request's CPU). A front end without a silo calls the grain.
/// </remarks>
public sealed partial class TurnSettlement(GrainReferences grains, PoolFeed node, [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<TurnSettlement> logger, UsageRecorder? local = null)
{
    /// <summary>A new request id: time-ordered, unique across nodes and restarts; the usage record's idempotency key.</summary>
    public static string NewRequestId() => Guid.CreateVersion7().ToString("N");

    public Task RecordConversationAsync(string conversationId, ConversationTurn turn) =>
        grains.Get<IConversationGrain>(conversationId).RecordTurnAsync(turn);

    /// <summary>Stores the usage record once per request id; the recorder retries a blinking store itself.</summary>
    public Task RecordUsageAsync(string requestId, string model, string? accountId, string? userName, int promptTokens, int completionTokens)
    {
        var record = new UsageRecord(requestId, time.GetUtcNow(), model, accountId, userName, node.NodeId, promptTokens, completionTokens);
        return local is not null ? local.RecordAsync(record) : grains.Get<IUsageGrain>(IUsageGrain.Key).RecordAsync(record);
    }

    public void ConversationNotRecorded(Exception exception, string? conversationId, string? accountId) =>
        LogRecordFailed(logger, exception, conversationId, accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record conversation {ConversationId} for account {AccountId}; continuing it may fail")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string? conversationId, string? accountId);
}
