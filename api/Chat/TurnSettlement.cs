using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Chat;

/// <summary>What settling a turn writes: the conversation's record and the usage record, each through its grain.</summary>
public sealed partial class TurnSettlement(GrainReferences grains, PoolFeed node, [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<TurnSettlement> logger)
{
    /// <summary>A new request id: time-ordered, unique across nodes and restarts; the usage record's idempotency key.</summary>
    public static string NewRequestId() => Guid.CreateVersion7().ToString("N");

    public Task RecordConversationAsync(string conversationId, ConversationTurn turn) =>
        grains.Get<IConversationGrain>(conversationId).RecordTurnAsync(turn);

    /// <summary>Stores the usage record once per request id; the usage grain retries a blinking store itself.</summary>
    public Task RecordUsageAsync(string requestId, string model, string? accountId, string? userName, int promptTokens, int completionTokens) =>
        grains.Get<IUsageGrain>(IUsageGrain.Key).RecordAsync(
            new UsageRecord(requestId, time.GetUtcNow(), model, accountId, userName, node.NodeId, promptTokens, completionTokens));

    public void ConversationNotRecorded(Exception exception, string? conversationId, string? accountId) =>
        LogRecordFailed(logger, exception, conversationId, accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record conversation {ConversationId} for account {AccountId}; continuing it may fail")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string? conversationId, string? accountId);
}
