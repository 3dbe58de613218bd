using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>The body of <c>GET /backend-api/conversation/{id}</c> (research §4.2). Keys marked uncertain
/// there (<c>conversation_id</c>, <c>default_model_slug</c>, <c>safe_urls</c>, <c>blocked_urls</c>) are included.</summary>
internal static class MappingJson
{
    /// <summary>Call under the tree's gate.</summary>
    public static JsonObject Build(ConversationTree tree)
    {
        var mapping = new JsonObject();
        foreach (var node in tree.Nodes)
        {
            mapping[node.Id] = new JsonObject
            {
                ["id"] = node.Id,
                ["message"] = node.Message is null ? null : MessageJson.Build(node.Message),
                ["parent"] = node.ParentId,
                ["children"] = new JsonArray([.. node.Children.Select(child => (JsonNode)child)]),
            };
        }

        return new JsonObject
        {
            ["title"] = tree.Title,
            ["create_time"] = SimJson.UnixSeconds(tree.CreateTime),
            ["update_time"] = SimJson.UnixSeconds(tree.UpdateTime),
            ["mapping"] = mapping,
            ["moderation_results"] = new JsonArray(),
            ["current_node"] = tree.CurrentNode,
            ["plugin_ids"] = null,
            ["conversation_id"] = tree.Id,
            ["conversation_template_id"] = null,
            ["gizmo_id"] = null,
            ["gizmo_type"] = null,
            ["is_archived"] = false,
            ["is_starred"] = null,
            ["safe_urls"] = new JsonArray(),
            ["blocked_urls"] = new JsonArray(),
            ["default_model_slug"] = "auto",
            ["conversation_origin"] = null,
            ["async_status"] = null,
        };
    }
}
