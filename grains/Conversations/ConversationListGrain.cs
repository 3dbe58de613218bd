using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Conversations;

namespace MirrorGate.Grains.Conversations;

public sealed record ConversationListState
{
    public ImmutableList<ConversationSummary> Items { get; init; } = [];
}

/// <summary>A user's conversation list, kept newest first.</summary>
[GrainType("conversation-list")]
public sealed class ConversationListGrain([PersistentState("conversation-list")] IPersistentState<ConversationListState> state) : Grain, IConversationListGrain
{
    public async Task AddAsync(ConversationSummary summary)
    {
        var items = state.State.Items.RemoveAll(i => i.ConversationId == summary.ConversationId);
        var at = items.FindIndex(i => i.UpdateTime <= summary.UpdateTime);
        state.State = new ConversationListState { Items = at < 0 ? items.Add(summary) : items.Insert(at, summary) };
        await state.WriteStateAsync();
    }

    public Task<ConversationPage> ListAsync(int offset, int limit) =>
        Task.FromResult(new ConversationPage([.. state.State.Items.Skip(offset).Take(limit)], state.State.Items.Count));
}
