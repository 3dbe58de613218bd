using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// Turns an OpenAI chat request into the ChatGPT web conversation body (research §3.3), sending
/// <see cref="ChatCompletionRequest.MessagesToSend"/>. The parent is the client's
/// <c>parent_message_id</c>, else the last assistant message the gateway saw in that conversation
/// (chatgpt-gateway's "auto-match"), else a new root.
/// </summary>
public sealed class ChatGptRequestBuilder(IOptionsMonitor<ChatGptOptions> chatGpt, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    public JsonObject Build(ChatCompletionRequest request, ConversationRecord? continued, bool temporary)
    {
        var body = new JsonObject
        {
            ["action"] = "next",
            ["messages"] = new JsonArray([.. request.MessagesToSend.Select(m => ToUpstream(m, request.Files))]),
            ["parent_message_id"] = request.ParentMessageId ?? continued?.LastAssistantMessageId ?? NewRoot(),
            ["model"] = request.Model.Slug,
            ["timezone_offset_min"] = -(int)time.LocalTimeZone.GetUtcOffset(time.GetUtcNow()).TotalMinutes,
            ["history_and_training_disabled"] = temporary,
            ["conversation_mode"] = new JsonObject { ["kind"] = "primary_assistant" },
            ["system_hints"] = new JsonArray(),
        };
        if (request.ConversationId is not null)
        {
            body["conversation_id"] = request.ConversationId;
        }

        return body;
    }

    /// <summary>The web client starts a new chat under "client-created-root"; older gateways used a random id (research §3.3).</summary>
    private string NewRoot() => chatGpt.CurrentValue.Flow == ChatGptFlow.Newest ? "client-created-root" : Guid.NewGuid().ToString();

    private static JsonNode ToUpstream(ChatMessage message, IReadOnlyDictionary<string, Files.FileRecord> files)
    {
        var attached = message.FileIds.Select(id => files[id]).ToList();
        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["author"] = new JsonObject { ["role"] = UpstreamRole(message.Role) },
            ["content"] = attached.Any(f => f.IsImage)
                ? new JsonObject { ["content_type"] = "multimodal_text", ["parts"] = new JsonArray([.. attached.Where(f => f.IsImage).Select(ImagePart), message.Text]) }
                : new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(message.Text) },
            ["metadata"] = attached.Count == 0 ? new JsonObject() : new JsonObject { ["attachments"] = new JsonArray([.. attached.Select(Attachment)]) },
        };
    }

    /// <summary>An image goes as a part (first, as AUR and BK put them) and as an attachment (research §5).</summary>
    private static JsonNode ImagePart(Files.FileRecord file)
    {
        var part = new JsonObject { ["content_type"] = "image_asset_pointer", ["asset_pointer"] = file.AssetPointer, ["size_bytes"] = file.Size };
        if (file.Width is { } width && file.Height is { } height)
        {
            part["width"] = width;
            part["height"] = height;
        }

        return part;
    }

    /// <summary>The attachment, with both spellings of the media type, as AUR sends it (which the server prefers is not known).</summary>
    private static JsonNode Attachment(Files.FileRecord file)
    {
        var attachment = new JsonObject
        {
            ["id"] = file.UpstreamId, ["size"] = file.Size, ["name"] = file.Name,
            ["mime_type"] = file.MimeType, ["mimeType"] = file.MimeType, ["source"] = "local", ["is_big_paste"] = false,
        };
        if (file.Width is { } width && file.Height is { } height)
        {
            attachment["width"] = width;
            attachment["height"] = height;
        }

        return attachment;
    }

    /// <summary>The web backend knows system, user and assistant; tool output is passed as user text, as Aurora does.</summary>
    private static string UpstreamRole(string role) => role switch
    {
        "system" or "developer" => "system",
        "assistant" => "assistant",
        _ => "user",
    };
}
