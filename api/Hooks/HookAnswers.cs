using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Hooks;

/// <summary>Reading what a hook answered: its JSON, and the message meant for the user.</summary>
internal static class HookAnswers
{
    /// <summary>The answer as a JSON object; null when it is empty, not JSON, or not an object.</summary>
    public static JsonObject? Object(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The message for the user, in SoruxGPT's order: <c>detail.message</c>, a string <c>detail</c> (auditlimit's
    /// style), <c>error</c>, then <c>msg</c> (its OAuth hook's). Null when none is a non-empty string.
    /// </summary>
    public static string? Message(JsonObject? answer) =>
        answer is null ? null
        : Text(answer["detail"] is JsonObject detail ? detail["message"] : null) ?? Text(answer["detail"]) ?? Text(answer["error"]) ?? Text(answer["msg"]);

    /// <summary>The value as a string when it is a non-empty JSON string.</summary>
    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text ? text : null;
}
