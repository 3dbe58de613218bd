using MirrorGate.GrainInterfaces.Conversations;

namespace MirrorGate.Grains.Conversations;

public sealed record ImportedConversationState
{
    public ImportedConversation? Conversation { get; init; }
}

/// <summary>One user's copy of an imported conversation.</summary>
[GrainType("imported-conversation")]
[CollectionAgeLimit(Minutes = 5)]
public sealed class ImportedConversationGrain([PersistentState("imported-conversation")] IPersistentState<ImportedConversationState> state) : Grain, IImportedConversationGrain
{
    public async Task StoreAsync(ImportedConversation conversation)
    {
        state.State = new ImportedConversationState { Conversation = conversation with { ContinuedAs = null } };
        await state.WriteStateAsync();
    }

    public Task<ImportedConversation?> GetAsync() => Task.FromResult(state.State.Conversation);

    public async Task LinkAsync(string upstreamConversationId)
    {
        if (state.State.Conversation is { } conversation && conversation.ContinuedAs != upstreamConversationId)
        {
            state.State = new ImportedConversationState { Conversation = conversation with { ContinuedAs = upstreamConversationId } };
            await state.WriteStateAsync();
        }
    }
}
