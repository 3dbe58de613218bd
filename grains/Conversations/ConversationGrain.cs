using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;

namespace MirrorGate.Grains.Conversations;

public sealed record ConversationState
{
    public ConversationRecord? Record { get; init; }
}

/// <summary>Owner account, starting user and last assistant message of one upstream conversation.</summary>
/// <remarks>
/// Every chat turn makes one of these, and most are never continued: they are placed on the silo that serves the
/// turn (no network hop to record it) and leave memory after two idle minutes.
/// </remarks>
[GrainType("conversation")]
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 2)]
public sealed class ConversationGrain(
    [PersistentState("conversation")] IPersistentState<ConversationState> state,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time) : Grain, IConversationGrain
{
    public async Task RecordTurnAsync(ConversationTurn turn)
    {
        var now = time.GetUtcNow();
        var record = state.State.Record is { } existing
            ? existing with { LastAssistantMessageId = turn.AssistantMessageId ?? existing.LastAssistantMessageId, UpdatedAt = now }
            : new ConversationRecord(turn.AccountId, turn.UserName, turn.Private, turn.AssistantMessageId, now, now);
        state.State = new ConversationState { Record = record };
        await state.WriteStateAsync();
    }

    public Task<ConversationRecord?> GetAsync() => Task.FromResult(state.State.Record);
}
