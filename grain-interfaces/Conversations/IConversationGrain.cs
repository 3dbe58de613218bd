using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.GrainInterfaces.Conversations;

/// <summary>
/// What the gateway remembers of one upstream conversation (key: the upstream conversation id):
/// the account that owns it, so a continuation goes back there, the user who started it, for
/// isolated sessions, and the last assistant message, to continue without a parent id.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Records a finished turn. The first turn fixes the owner account and user.</summary>
    Task RecordTurnAsync(ConversationTurn turn);

    /// <summary>The record, or null for a conversation the gateway has not seen.</summary>
    Task<ConversationRecord?> GetAsync();
}

/// <param name="Private">The starting user has an isolated session: nobody else may continue it.</param>
public sealed record ConversationTurn(string AccountId, string? UserName, string? AssistantMessageId, bool Private);

public sealed record ConversationRecord(string AccountId, string? UserName, bool Private, string? LastAssistantMessageId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Whether <paramref name="userName"/> (null for key or token callers) may continue this conversation.</summary>
    public bool MayContinue(string? userName) => !Private || string.Equals(UserName, userName, StringComparison.Ordinal);
}
