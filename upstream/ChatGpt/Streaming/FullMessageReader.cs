using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>Reads a <see cref="MessageSnapshot"/> from a full-message envelope's <c>message</c> (research §3.7).</summary>
internal static class FullMessageReader
{
    public static MessageSnapshot Read(JsonElement message)
    {
        var content = Property(message, "content");
        var snapshot = new MessageSnapshot
        {
            Id = String(message, "id"),
            Role = String(Property(message, "author"), "role"),
            Recipient = String(message, "recipient"),
            Channel = String(message, "channel"),
            ContentType = String(content, "content_type"),
            Status = String(message, "status"),
            EndTurn = Property(message, "end_turn").ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            },
            FinishType = String(Property(Property(message, "metadata"), "finish_details"), "type"),
        };

        // Only the visible answer's text is materialised: the echoed prompt and tool traffic cost nothing.
        return snapshot.IsVisibleAssistant && snapshot.ContentType == "text"
            ? snapshot with { Text = PartsText(Property(content, "parts")) }
            : snapshot;
    }

    private static string? PartsText(JsonElement parts)
    {
        if (parts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        if (parts.GetArrayLength() == 1)
        {
            return parts[0].ValueKind == JsonValueKind.String ? parts[0].GetString() : null;
        }

        var text = string.Empty;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                text += part.GetString();
            }
        }

        return text;
    }

    internal static JsonElement Property(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    internal static string? String(JsonElement parent, string name)
    {
        var value = Property(parent, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
