namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>A conversation POST body that passed the rules of docs/chatgpt-upstream.md ("Conversation body").</summary>
/// <param name="Action">next | continue | variant.</param>
/// <param name="Messages">New messages (empty for continue).</param>
/// <param name="ParentMessageId">Node the new messages hang under (<c>client-created-root</c> for a new chat).</param>
/// <param name="ConversationId">Conversation being continued; null for a new one.</param>
/// <param name="Model">Requested model slug.</param>
/// <param name="HistoryDisabled"><c>history_and_training_disabled</c>: nothing is kept.</param>
/// <param name="WantsDeltaEncoding"><c>supported_encodings</c> lists "v1".</param>
/// <param name="ImageGeneration"><c>system_hints</c> holds <c>picture_v2</c>: the image tool answers (research §6.1).</param>
internal sealed record ConversationRequest(
    string Action,
    IReadOnlyList<IncomingMessage> Messages,
    string ParentMessageId,
    string? ConversationId,
    string Model,
    bool HistoryDisabled,
    bool WantsDeltaEncoding,
    bool ImageGeneration = false);
