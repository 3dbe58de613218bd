namespace MirrorGate.GrainInterfaces.Conversations;

/// <summary>
/// What the gateway remembers of one upstream conversation (key: the upstream conversation id): the account
/// that owns it, so a continuation goes back there, the user who started it, for isolated sessions, and the
/// last assistant message, to continue without a parent id.
/// </summary>
[Alias("mg.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Records a finished turn. The first turn fixes the owner account and user.</summary>
    Task RecordTurnAsync(ConversationTurn turn);

    /// <summary>The record, or null for a conversation the gateway has not seen.</summary>
    Task<ConversationRecord?> GetAsync();
}

/// <param name="Private">The starting user has an isolated session: nobody else may continue it.</param>
[GenerateSerializer, Immutable, Alias("mg.ConversationTurn")]
public sealed record ConversationTurn(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string? UserName,
    [property: Id(2)] string? AssistantMessageId,
    [property: Id(3)] bool Private);

[GenerateSerializer, Immutable, Alias("mg.ConversationRecord")]
public sealed record ConversationRecord(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string? UserName,
    [property: Id(2)] bool Private,
    [property: Id(3)] string? LastAssistantMessageId,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt)
{
    /// <summary>Whether <paramref name="userName"/> (null for key or token callers) may continue this conversation.</summary>
    public bool MayContinue(string? userName) => !Private || string.Equals(UserName, userName, StringComparison.Ordinal);
}
