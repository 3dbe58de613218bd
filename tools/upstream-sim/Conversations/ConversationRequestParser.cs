using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>Checks a conversation body (research §3.3; AUR: a bad <c>thinking_effort</c> gets 422
/// "Invalid conversation body"). Ownership of <c>conversation_id</c> is checked by the store.</summary>
internal static class ConversationRequestParser
{
    private static readonly string[] Actions = ["next", "continue", "variant"];
    private static readonly string[] ThinkingEfforts = ["standard", "extended", "max"];

    /// <summary>The parsed request, or null with the reason it is refused.</summary>
    public static (ConversationRequest? Request, string Reason) Parse(JsonNode? node)
    {
        if (node is not JsonObject body)
        {
            return (null, "body is not a JSON object");
        }

        var action = Text(body["action"]);
        if (action is null || !Actions.Contains(action))
        {
            return (null, "action");
        }

        var model = Text(body["model"]);
        var parent = Text(body["parent_message_id"]);
        if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(parent))
        {
            return (null, string.IsNullOrEmpty(model) ? "model" : "parent_message_id");
        }

        if (!OptionalText(body["conversation_id"], out var conversationId) || conversationId?.Length == 0)
        {
            return (null, "conversation_id");
        }

        if (!OptionalText(body["thinking_effort"], out var effort) || (effort is not null && !ThinkingEfforts.Contains(effort)))
        {
            return (null, "thinking_effort");
        }

        if (body["history_and_training_disabled"] is { } hatd && hatd.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, "history_and_training_disabled");
        }

        var messages = ParseMessages(body["messages"]);
        if (messages is null || (action == "next" && messages.Count == 0))
        {
            return (null, "messages");
        }

        var encodings = body["supported_encodings"] as JsonArray;
        var wantsV1 = encodings is not null && encodings.Any(e => Text(e) == "v1");
        var historyDisabled = body["history_and_training_disabled"]?.GetValue<bool>() ?? false;
        var imageGeneration = body["system_hints"] is JsonArray hints && hints.Any(h => Text(h) == "picture_v2");
        return (new ConversationRequest(action, messages, parent, conversationId, model, historyDisabled, wantsV1, imageGeneration), "");
    }

    private static List<IncomingMessage>? ParseMessages(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            return null;
        }

        var result = new List<IncomingMessage>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject message
                || Text(message["author"]?["role"]) is not { Length: > 0 } role
                || message["content"] is not JsonObject content
                || Text(content["content_type"]) is not { Length: > 0 }
                || (content["parts"] is { } parts && parts is not JsonArray))
            {
                return null;
            }

            var text = string.Concat((content["parts"] as JsonArray ?? []).Select(Text).OfType<string>());
            var files = FileIds(message, content);
            if (files is null)
            {
                return null;
            }

            result.Add(new IncomingMessage(Text(message["id"]), role, text, (JsonObject)content.DeepClone(), files));
        }

        return result;
    }

    /// <summary>
    /// The files a message refers to (research §5): attachments by <c>id</c>, image parts by <c>asset_pointer</c>. Null when
    /// an attachment has no id or a pointer is not <c>file-service://</c> / <c>sediment://</c> (sim choice: a bad body).
    /// </summary>
    private static List<string>? FileIds(JsonObject message, JsonObject content)
    {
        var ids = new List<string>();
        if (message["metadata"]?["attachments"] is { } attachments)
        {
            if (attachments is not JsonArray list)
            {
                return null;
            }

            foreach (var attachment in list)
            {
                if (Text(attachment?["id"]) is not { Length: > 0 } id)
                {
                    return null;
                }

                ids.Add(id);
            }
        }

        foreach (var part in (content["parts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(part["content_type"]) != "image_asset_pointer")
            {
                continue;
            }

            var pointer = Text(part["asset_pointer"]) ?? "";
            var id = pointer.StartsWith("file-service://", StringComparison.Ordinal) ? pointer["file-service://".Length..]
                : pointer.StartsWith("sediment://", StringComparison.Ordinal) ? pointer["sediment://".Length..]
                : null;
            if (string.IsNullOrEmpty(id))
            {
                return null;
            }

            ids.Add(id);
        }

        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>False when the field is present with a non-string, non-null value.</summary>
    private static bool OptionalText(JsonNode? node, out string? text)
    {
        text = Text(node);
        return node is null || text is not null;
    }
}
