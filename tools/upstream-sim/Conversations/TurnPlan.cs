namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>Everything one conversation POST will add and stream, computed before anything is stored.</summary>
/// <param name="Tree">The conversation (a fresh, unregistered one for a new chat).</param>
/// <param name="IsNew">A new conversation.</param>
/// <param name="Persist">False with <c>history_and_training_disabled</c>: nothing is kept.</param>
/// <param name="NewNodes">Client messages then the assistant answer, each with its parent id.</param>
/// <param name="Echo">The user message echoed in the stream.</param>
/// <param name="Assistant">The finished assistant message.</param>
/// <param name="Turn">1-based user turn on this branch.</param>
/// <param name="Title">Conversation title.</param>
/// <param name="Tool">The image tool's result message of an image-tool turn; null otherwise.</param>
/// <param name="ToolReadyAfterReads">0: the tool message is in the stream and the tree; n: it joins the tree on the n-th read.</param>
internal sealed record TurnPlan(
    ConversationTree Tree,
    bool IsNew,
    bool Persist,
    IReadOnlyList<(string ParentId, StoredMessage Message)> NewNodes,
    StoredMessage Echo,
    StoredMessage Assistant,
    int Turn,
    string Title,
    StoredMessage? Tool = null,
    int ToolReadyAfterReads = 0)
{
    /// <summary>Whether the stream shows the tool message.</summary>
    public bool ToolInStream => Tool is not null && ToolReadyAfterReads == 0;

    public string ConversationId => Tree.Id;

    public string Reply => Assistant.Text;

    public string ModelSlug => Assistant.Model ?? "";

    public string AssistantParentId => NewNodes[^1].ParentId;
}
