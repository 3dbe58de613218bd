using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// The bodies of the chat calls, derived from the caller's raw ChatGPT conversation body (research §3.3). The
/// caller's object is copied, never mutated; only the flow-specific fields are set here.
/// </summary>
internal static class ConversationBodies
{
    // Uncertain (research §3.3): the browser sends what has been typed so far as partial_query; how much of it the
    // server reads is unknown. A bounded prefix keeps long prompts from being uploaded twice.
    private const int MaxPartialQueryChars = 1024;

    /// <summary>
    /// Newest <c>f/conversation</c>: the body as given, plus <c>client_prepare_state:"success"</c> when the caller
    /// did not set one (an image flow may ask for <c>sent</c>).
    /// </summary>
    public static ReadOnlyMemory<byte> Newest(JsonObject body) => JsonBody.Write(body, static (writer, body) =>
    {
        writer.WriteStartObject();
        CopyExcept(writer, body, null);
        if (!body.ContainsKey("client_prepare_state"))
        {
            writer.WriteString("client_prepare_state", "success");
        }

        writer.WriteEndObject();
    });

    /// <summary>Legacy <c>conversation</c>: <c>supported_encodings</c> is <c>["v1"]</c> or <c>[]</c> per <see cref="ChatGptOptions.LegacyDeltaEncoding"/>.</summary>
    public static ReadOnlyMemory<byte> Legacy(JsonObject body, bool deltaEncoding) => JsonBody.Write((Body: body, DeltaEncoding: deltaEncoding), static (writer, state) =>
    {
        writer.WriteStartObject();
        CopyExcept(writer, state.Body, "supported_encodings");
        writer.WriteStartArray("supported_encodings");
        if (state.DeltaEncoding)
        {
            writer.WriteStringValue("v1");
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>The single <c>f/conversation/prepare</c> call (research §3.3), in its final <c>success</c> state.</summary>
    public static ReadOnlyMemory<byte> ConduitPrepare(JsonObject body) => JsonBody.Write(body, static (writer, body) =>
    {
        writer.WriteStartObject();
        Copy(writer, body, "action", static w => w.WriteStringValue("next"));
        writer.WriteBoolean("fork_from_shared_post", false);
        Copy(writer, body, "parent_message_id", static w => w.WriteStringValue("client-created-root"));
        if (body.ContainsKey("conversation_id"))
        {
            Copy(writer, body, "conversation_id", null);
        }

        Copy(writer, body, "model", static w => w.WriteStringValue("auto"));
        writer.WriteString("client_prepare_state", "success");
        writer.WriteString("client_prepare_dispatch", "debounced");
        writer.WriteString("client_prepare_source", "composer_editor_state");
        Copy(writer, body, "timezone_offset_min", static w => w.WriteNumberValue(0));
        if (body.ContainsKey("timezone"))
        {
            Copy(writer, body, "timezone", null);
        }

        Copy(writer, body, "conversation_mode", static w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "primary_assistant");
            w.WriteEndObject();
        });
        Copy(writer, body, "system_hints", static w =>
        {
            w.WriteStartArray();
            w.WriteEndArray();
        });
        WritePartialQuery(writer, body);
        writer.WriteBoolean("supports_buffering", true);
        writer.WriteStartArray("supported_encodings");
        writer.WriteStringValue("v1");
        writer.WriteEndArray();
        writer.WriteStartObject("client_contextual_info");
        writer.WriteString("app_name", "chatgpt.com");
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private static void WritePartialQuery(Utf8JsonWriter writer, JsonObject body)
    {
        if (body["messages"] is not JsonArray { Count: > 0 } messages || messages[^1] is not JsonObject message)
        {
            return;
        }

        var text = message["content"]?["parts"] is JsonArray parts
            ? parts.Select(static part => part is JsonValue value && value.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(static s => s is not null)
            : null;
        if (text is null)
        {
            return;
        }

        writer.WriteStartObject("partial_query");
        Copy(writer, message, "id", static w => w.WriteStringValue(Guid.NewGuid().ToString()));
        writer.WriteStartObject("author");
        writer.WriteString("role", "user");
        writer.WriteEndObject();
        writer.WriteStartObject("content");
        writer.WriteString("content_type", "text");
        writer.WriteStartArray("parts");
        writer.WriteStringValue(text.Length <= MaxPartialQueryChars ? text : text[..MaxPartialQueryChars]);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void CopyExcept(Utf8JsonWriter writer, JsonObject body, string? skipped)
    {
        foreach (var (name, value) in body)
        {
            if (!string.Equals(name, skipped, StringComparison.Ordinal))
            {
                writer.WritePropertyName(name);
                JsonBody.WriteNode(writer, value);
            }
        }
    }

    /// <summary>Writes the caller's value of <paramref name="name"/>, or the default when it is absent.</summary>
    private static void Copy(Utf8JsonWriter writer, JsonObject body, string name, Action<Utf8JsonWriter>? writeDefault)
    {
        writer.WritePropertyName(name);
        if (body.TryGetPropertyValue(name, out var value))
        {
            JsonBody.WriteNode(writer, value);
        }
        else if (writeDefault is not null)
        {
            writeDefault(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
