using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>A server-side conversation: the mapping tree of research §4.2 (empty root → hidden system
/// message → turns). Every read or change happens under <see cref="Gate"/>.</summary>
internal sealed class ConversationTree
{
    private readonly Dictionary<string, TreeNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<TreeNode> _order = [];

    public ConversationTree(string id, string ownerKey, string? ownerEmail, DateTimeOffset now)
    {
        Id = id;
        OwnerKey = ownerKey;
        OwnerEmail = ownerEmail;
        CreateTime = UpdateTime = now;
        RootId = Guid.NewGuid().ToString();
        Add(new TreeNode(RootId, null, null));
        var system = new StoredMessage(
            Guid.NewGuid().ToString(),
            "system",
            "",
            StoredMessage.TextContent(""),
            SimJson.UnixSeconds(now),
            "finished_successfully",
            true,
            0.0,
            new JsonObject { ["is_visually_hidden_from_conversation"] = true });
        SystemId = system.Id;
        Add(new TreeNode(system.Id, RootId, system));
        CurrentNode = SystemId;
    }

    public string Id { get; }

    public string OwnerKey { get; }

    public string? OwnerEmail { get; }

    public Lock Gate { get; } = new();

    public string RootId { get; }

    public string SystemId { get; }

    public string Title { get; set; } = "New chat";

    public DateTimeOffset CreateTime { get; }

    public DateTimeOffset UpdateTime { get; set; }

    public string CurrentNode { get; set; }

    /// <summary>An image tool result that joins the conversation after so many more reads (<see cref="SimulatorOptions.ImageReadyAfterReads"/>).</summary>
    public (StoredMessage Message, int ReadsLeft)? PendingTool { get; set; }

    /// <summary>Counts one read; the pending tool message joins under the current node on the read that makes it due.</summary>
    public void CountRead()
    {
        if (PendingTool is not { } pending)
        {
            return;
        }

        if (pending.ReadsLeft > 1)
        {
            PendingTool = (pending.Message, pending.ReadsLeft - 1);
            return;
        }

        PendingTool = null;
        Add(new TreeNode(pending.Message.Id, CurrentNode, pending.Message));
        CurrentNode = pending.Message.Id;
    }

    public IReadOnlyList<TreeNode> Nodes => _order;

    public StoredMessage SystemMessage => _nodes[SystemId].Message!;

    public bool Contains(string id) => _nodes.ContainsKey(id);

    /// <summary>Messages from the root down to <paramref name="id"/>, inclusive.</summary>
    public List<StoredMessage> PathTo(string id)
    {
        var path = new List<StoredMessage>();
        for (var node = _nodes.GetValueOrDefault(id); node is not null; node = node.ParentId is null ? null : _nodes[node.ParentId])
        {
            if (node.Message is not null)
            {
                path.Add(node.Message);
            }
        }

        path.Reverse();
        return path;
    }

    public void Add(TreeNode node)
    {
        _nodes.Add(node.Id, node);
        _order.Add(node);
        if (node.ParentId is not null)
        {
            _nodes[node.ParentId].Children.Add(node.Id);
        }
    }

    public SimConversation Snapshot() => new(
        Id,
        OwnerEmail,
        Title,
        CurrentNode,
        [.. _order.Where(n => n.Message is not null)
            .Select(n => new SimMessage(n.Id, n.ParentId, n.Message!.Role, n.Message.Text, n.Message.Model))],
        CreateTime,
        UpdateTime);
}
