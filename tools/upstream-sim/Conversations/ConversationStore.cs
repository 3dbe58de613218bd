using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Models;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>Every kept conversation, and the turn logic that decides what a POST adds and answers.</summary>
internal sealed class ConversationStore(SimulatorOptions options, Files.FileStore files)
{
    private readonly ConcurrentDictionary<string, ConversationTree> _trees = new(StringComparer.Ordinal);

    /// <summary>Computes a turn without storing it; null with a reason when the body cannot be served (422).</summary>
    public (TurnPlan? Plan, string Reason) Prepare(Caller caller, ConversationRequest request)
    {
        var now = options.TimeProvider.GetUtcNow();
        ConversationTree? tree;
        var isNew = request.ConversationId is null;
        if (isNew)
        {
            tree = new ConversationTree(Guid.NewGuid().ToString(), caller.OwnerKey, caller.Email, now);
        }
        else if (!_trees.TryGetValue(request.ConversationId!, out tree) || tree.OwnerKey != caller.OwnerKey)
        {
            // Unknown, never kept (history disabled) or another account's: the docs make this a bad body.
            return (null, "conversation_id is not a conversation of this account");
        }

        lock (tree.Gate)
        {
            // A new chat hangs under the hidden system message whatever root id the client invented; an unknown
            // parent in an existing chat falls back to the newest node (the docs do not make it an error).
            var parent = isNew ? tree.SystemId : tree.Contains(request.ParentMessageId) ? request.ParentMessageId : tree.CurrentNode;
            var path = tree.PathTo(parent);
            var created = SimJson.UnixSeconds(now);
            var nodes = new List<(string ParentId, StoredMessage Message)>();
            foreach (var message in request.Messages)
            {
                var id = message.Id is { Length: > 0 } wanted && !tree.Contains(wanted) && nodes.All(n => n.Message.Id != wanted)
                    ? wanted
                    : Guid.NewGuid().ToString();
                var stored = new StoredMessage(id, message.Role, message.Text, message.Content, created,
                    "finished_successfully", null, 1.0, new JsonObject { ["request_id"] = Guid.NewGuid().ToString() });
                nodes.Add((parent, stored));
                path.Add(stored);
                parent = id;
            }

            // A chat of only the client's own assistant message is the read-aloud helper (research §7): it is answered
            // with that text, so the gateway finds an assistant message equal to its input.
            var echo = path.LastOrDefault(m => m.Role == "user") ?? ReadAloudSource(nodes);
            if (echo is null)
            {
                return (null, "no user message to answer");
            }

            // Files the new messages refer to must be confirmed files of this account (sim choice: the real answer to a
            // foreign or unknown file is not captured; here it is a bad body).
            var attached = new List<(string, long, string?)>();
            foreach (var fileId in request.Messages.SelectMany(m => m.FileIds ?? []).Distinct(StringComparer.Ordinal))
            {
                if (files.Find(fileId, caller.OwnerKey) is not { Confirmed: true } file)
                {
                    return (null, $"file {fileId} is not a file of this account");
                }

                attached.Add((file.Name, file.DeclaredSize, file.MimeType));
            }

            var turn = path.Count(m => m.Role == "user");
            var slug = ModelCatalog.Resolve(request.Model);
            StoredMessage? tool = null;
            if (request.ImageGeneration && echo.Role == "user")
            {
                tool = ImageToolMessage(caller, echo.Text, created);
                if (options.ImageReadyAfterReads == 0)
                {
                    nodes.Add((parent, tool));
                    parent = tool.Id;
                }
            }

            var reply = echo.Role == "assistant" ? echo.Text
                : tool is not null ? SimReplies.ImageCaption(echo.Text)
                : SimReplies.For(echo.Text, turn) + SimReplies.Files(attached);
            var assistant = new StoredMessage(Guid.NewGuid().ToString(), "assistant", reply, StoredMessage.TextContent(reply),
                created, "finished_successfully", true, 1.0, AssistantMetadata(request, slug, parent), slug);
            nodes.Add((parent, assistant));
            var title = isNew ? TitleFor(echo.Text) : tree.Title;
            return (new TurnPlan(tree, isNew, !request.HistoryDisabled, nodes, echo, assistant, turn, title, tool, tool is null ? 0 : options.ImageReadyAfterReads), "");
        }
    }

    /// <summary>Stores a prepared turn unless history is disabled.</summary>
    public void Commit(TurnPlan plan)
    {
        if (!plan.Persist)
        {
            return;
        }

        var tree = plan.Tree;
        lock (tree.Gate)
        {
            foreach (var (parentId, message) in plan.NewNodes.Where(n => !tree.Contains(n.Message.Id)))
            {
                tree.Add(new TreeNode(message.Id, parentId, message));
            }

            tree.CurrentNode = plan.Assistant.Id;
            if (plan.Tool is not null && !plan.ToolInStream)
            {
                tree.PendingTool = (plan.Tool, plan.ToolReadyAfterReads);
            }

            tree.UpdateTime = options.TimeProvider.GetUtcNow();
            tree.Title = plan.Title;
        }

        _trees.TryAdd(tree.Id, tree);
    }

    /// <summary>The conversation when it exists and belongs to <paramref name="ownerKey"/> (any owner when null).</summary>
    public ConversationTree? Find(string id, string? ownerKey) =>
        _trees.TryGetValue(id, out var tree) && (ownerKey is null || tree.OwnerKey == ownerKey) ? tree : null;

    /// <summary>
    /// The image tool's result (research §6.2): a tool message whose one <c>multimodal_text</c> part points at a new
    /// file of this account with <c>sediment://</c>, with <c>async_task_type: image_gen</c> in its metadata.
    /// </summary>
    private StoredMessage ImageToolMessage(Auth.Caller caller, string prompt, double created)
    {
        var image = SimReplies.Image(prompt);
        var file = files.CreateGenerated(caller.OwnerKey, caller.Email, "image.png", image, "image/png");
        var genId = "gen_" + Guid.NewGuid().ToString("N");
        var part = new JsonObject
        {
            ["content_type"] = "image_asset_pointer",
            ["asset_pointer"] = "sediment://" + file.Id,
            ["size_bytes"] = image.Length,
            ["width"] = 1024,
            ["height"] = 1024,
            ["metadata"] = new JsonObject
            {
                ["dalle"] = new JsonObject { ["gen_id"] = genId, ["prompt"] = "" },
                ["generation"] = new JsonObject { ["gen_id"] = genId, ["gen_size"] = "image", ["width"] = 1024, ["height"] = 1024, ["transparent_background"] = false, ["orientation"] = "square" },
            },
        };
        return new StoredMessage(Guid.NewGuid().ToString(), "tool", "", new JsonObject { ["content_type"] = "multimodal_text", ["parts"] = new JsonArray(part) },
            created, "finished_successfully", null, 1.0, new JsonObject { ["image_gen_title"] = prompt.Length > 40 ? prompt[..40] : prompt, ["async_task_type"] = "image_gen" });
    }

    private static StoredMessage? ReadAloudSource(List<(string ParentId, StoredMessage Message)> sent) =>
        sent.Count > 0 && sent.All(n => n.Message.Role == "assistant") ? sent[^1].Message : null;

    private static JsonObject AssistantMetadata(ConversationRequest request, string slug, string parentId) => new()
    {
        ["message_type"] = request.Action,
        ["model_slug"] = slug,
        ["default_model_slug"] = "auto",
        ["parent_id"] = parentId,
        ["request_id"] = Guid.NewGuid().ToString(),
        ["turn_exchange_id"] = Guid.NewGuid().ToString(),
        ["citations"] = new JsonArray(),
        ["content_references"] = new JsonArray(),
        ["finish_details"] = new JsonObject { ["type"] = "stop", ["stop_tokens"] = new JsonArray(200002) },
        ["is_complete"] = true,
    };

    private static string TitleFor(string prompt)
    {
        var line = prompt.ReplaceLineEndings(" ").Trim();
        if (line.Length <= 40)
        {
            return line.Length == 0 ? "New chat" : line;
        }

        var cut = char.IsHighSurrogate(line[39]) ? 39 : 40;
        return line[..cut].TrimEnd() + "…";
    }
}
