using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Imports;

/// <summary>
/// Continuing an imported conversation: the upstream accounts never saw it, so the first continued turn starts a new
/// upstream conversation whose request carries the imported branch as earlier messages (the web backend takes several
/// messages in one request, as Aurora sends a chat history). Later turns continue that upstream conversation.
/// </summary>
public static class ImportedHistory
{
    /// <summary>At most this many earlier messages are sent, the latest ones.</summary>
    public const int MaxMessages = 40;

    /// <summary>
    /// Rewrites <paramref name="body"/> (a web conversation request) to start a new conversation that carries the
    /// branch of <paramref name="payloadJson"/> ending at the request's parent message (or the conversation's current
    /// node) before the request's own messages.
    /// </summary>
    public static void Prepend(JsonObject body, string payloadJson, string newRoot)
    {
        var payload = JsonNode.Parse(payloadJson)!.AsObject();
        var mapping = payload["mapping"] as JsonObject ?? [];
        var from = Text(body["parent_message_id"]) is { } parent && mapping.ContainsKey(parent) ? parent : Text(payload["current_node"]);
        var history = Branch(mapping, from);

        var messages = new JsonArray();
        foreach (var message in history.TakeLast(MaxMessages))
        {
            messages.Add(message);
        }

        if (body["messages"] is JsonArray own)
        {
            foreach (var message in own.ToArray())
            {
                own.Remove(message);
                messages.Add(message);
            }
        }

        body["messages"] = messages;
        body.Remove("conversation_id");
        body["parent_message_id"] = newRoot;
    }

    /// <summary>The visible text messages from the root down to <paramref name="leaf"/>, as new web messages.</summary>
    private static List<JsonObject> Branch(JsonObject mapping, string? leaf)
    {
        var path = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = leaf; id is not null && seen.Add(id) && mapping[id] is JsonObject node; id = Text(node["parent"]))
        {
            if (ToWebMessage(node["message"]) is { } message)
            {
                path.Add(message);
            }
        }

        path.Reverse();
        return path;
    }

    private static JsonObject? ToWebMessage(JsonNode? message)
    {
        if (message is not JsonObject m)
        {
            return null;
        }

        var role = Text(m["author"]?["role"]);
        var hidden = m["metadata"]?["is_visually_hidden_from_conversation"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
        if (role is not ("user" or "assistant" or "system") || Text(m["content"]?["content_type"]) != "text" || hidden)
        {
            return null;
        }

        var text = string.Join("\n", (m["content"]?["parts"] as JsonArray ?? []).Select(Text).Where(p => !string.IsNullOrEmpty(p)));
        if (text.Length == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["author"] = new JsonObject { ["role"] = role },
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(text) },
            ["metadata"] = new JsonObject(),
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
