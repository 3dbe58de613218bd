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
        return (new ConversationRequest(action, messages, parent, conversationId, model, historyDisabled, wantsV1), "");
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
            result.Add(new IncomingMessage(Text(message["id"]), role, text, (JsonObject)content.DeepClone()));
        }

        return result;
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
