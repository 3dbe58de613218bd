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
            ["messages"] = new JsonArray([.. request.MessagesToSend.Select(ToUpstream)]),
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

    private static JsonNode ToUpstream(ChatMessage message) => new JsonObject
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["author"] = new JsonObject { ["role"] = UpstreamRole(message.Role) },
        ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(message.Text) },
        ["metadata"] = new JsonObject(),
    };

    /// <summary>The web backend knows system, user and assistant; tool output is passed as user text, as Aurora does.</summary>
    private static string UpstreamRole(string role) => role switch
    {
        "system" or "developer" => "system",
        "assistant" => "assistant",
        _ => "user",
    };
}
