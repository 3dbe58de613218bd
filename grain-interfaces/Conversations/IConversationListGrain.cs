using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Conversations;

/// <summary>The conversations a user sees in <c>GET /backend-api/conversations</c> (key: the user name), newest first.</summary>
[Alias("mg.IConversationListGrain")]
public interface IConversationListGrain : IGrainWithStringKey
{
    /// <summary>Adds the conversation, or replaces its line.</summary>
    Task AddAsync(ConversationSummary summary);

    Task<ConversationPage> ListAsync(int offset, int limit);
}

[GenerateSerializer, Immutable, Alias("mg.ConversationPage")]
public sealed record ConversationPage([property: Id(0)] ImmutableArray<ConversationSummary> Items, [property: Id(1)] int Total);
