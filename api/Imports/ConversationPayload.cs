using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MirrorGate.GrainInterfaces.Conversations;

namespace MirrorGate.Api.Imports;

/// <summary>
/// A conversation as <c>GET /backend-api/conversation/{id}</c> returns it (<c>title</c>, <c>create_time</c>,
/// <c>update_time</c>, <c>mapping</c>, <c>current_node</c>, <c>conversation_id</c>), from the official site or a mirror.
/// </summary>
/// <remarks>
/// Uncertain (research Seed A): the seed says a payload may be "the official site's or a mirror's" answer without
/// showing a mirror's. Mirrors built on chatgpt-share-server answer the official shape; some panels wrap answers in
/// <c>data</c>. So the object itself, or one under <c>data</c> or <c>conversation</c>, is accepted when it has a
/// <c>mapping</c>; the id is <c>conversation_id</c>, else <c>id</c>.
/// </remarks>
public static partial class ConversationPayload
{
    private const int MaxTitleLength = 300;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")]
    private static partial Regex IdPattern();

    /// <summary>The conversation to store, or why the item is not one.</summary>
    public static (ImportedConversation? Conversation, string? Problem) Read(JsonNode? item, DateTimeOffset now)
    {
        if (Unwrap(item) is not { } payload)
        {
            return (null, "not a conversation: no 'mapping' object (give the answer of GET /backend-api/conversation/{id})");
        }

        var id = Text(payload["conversation_id"]) ?? Text(payload["id"]);
        if (id is null || !IdPattern().IsMatch(id))
        {
            return (null, "no usable 'conversation_id' (or 'id'): letters, digits, '-', '_', '.', ':' up to 100 characters");
        }

        var created = Time(payload["create_time"]) ?? now;
        var updated = Time(payload["update_time"]) ?? created;
        var title = Text(payload["title"]) is { Length: > 0 } t ? (t.Length > MaxTitleLength ? t[..MaxTitleLength] : t) : "New chat";
        var stored = payload.DeepClone().AsObject();
        stored["conversation_id"] = id;
        stored["id"] = id;
        return (new ImportedConversation(new ConversationSummary(id, title, created, updated), stored.ToJsonString(), null), null);
    }

    private static JsonObject? Unwrap(JsonNode? item) =>
        item is not JsonObject o ? null
        : o["mapping"] is JsonObject ? o
        : o["data"] is JsonObject { } data && data["mapping"] is JsonObject ? data
        : o["conversation"] is JsonObject { } inner && inner["mapping"] is JsonObject ? inner
        : null;

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : null;

    /// <summary>Unix seconds (the official answer: a float) or an ISO 8601 string (the list's form).</summary>
    private static DateTimeOffset? Time(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var seconds) && seconds is > 0 and < 253402300799)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        }

        return value.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
