namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// The conversation id is known; raised again when the visible assistant message id becomes known (or changes),
/// because that id is the <c>parent_message_id</c> of the next turn.
/// </summary>
public sealed record ConversationIdentified(string ConversationId, string? AssistantMessageId) : ConversationEvent;
