namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>A node of the mapping tree; the root has no message.</summary>
internal sealed class TreeNode(string id, string? parentId, StoredMessage? message)
{
    public string Id { get; } = id;

    public string? ParentId { get; } = parentId;

    public StoredMessage? Message { get; } = message;

    public List<string> Children { get; } = [];
}
