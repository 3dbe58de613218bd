using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.OpenAi;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.Grains.Models;

namespace MirrorGate.Api.Responses;

/// <summary>
/// <c>GET /v1/responses/{id}</c> on the ChatGPT web path: the answer is read back from the upstream conversation
/// that keeps it (<c>GET /backend-api/conversation/{id}</c>), on the account that holds it. Only a caller that may
/// continue the conversation may read it; anyone else, and any id the upstream does not keep (a temporary chat),
/// gets OpenAI's not-found. The request that produced the answer is not kept, so <c>instructions</c> and
/// <c>previous_response_id</c> read back as null and <c>usage</c> counts the output only.
/// </summary>
public sealed class ResponseReader(IGrainFactory grains, ConversationDispatcher dispatcher, ModelCatalog models)
{
    public async Task<IResult> GetAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        if (!ResponseIds.TryRead(id, out var conversationId, out var messageId))
        {
            return NotFound(id);
        }

        string? accountId = null;
        if (caller.Kind is not CallerKind.Direct)
        {
            var record = await grains.GetGrain<IConversationGrain>(conversationId).GetAsync();
            if (record is null || !record.MayContinue(caller.UserName) || (caller.AccountId is { } own && own != record.AccountId))
            {
                return NotFound(id);
            }

            accountId = record.AccountId;
        }

        var (conversation, failure) = await dispatcher.ReadConversationAsync(caller, accountId, conversationId, cancellationToken);
        if (conversation is null)
        {
            return failure!.Status == StatusCodes.Status404NotFound ? NotFound(id) : OpenAiErrors.From(failure);
        }

        if (FindAssistantMessage(conversation, messageId) is not { } message)
        {
            return NotFound(id);
        }

        var text = Text(message);
        var answer = new ResponseJson.Answer(id, CreatedAt(message, conversation), Model(message), null, null, true, ResponseIds.MessageItem(messageId));
        return Results.Json(ResponseJson.Response(answer, "completed", text, 0, TokenEstimator.Count(text)));
    }

    private static IResult NotFound(string id) =>
        OpenAiErrors.Result(StatusCodes.Status404NotFound, $"Response with id '{id}' not found.", "response_not_found", "response_id");

    private static JsonObject? FindAssistantMessage(JsonObject conversation, string messageId)
    {
        if (conversation["mapping"] is not JsonObject mapping)
        {
            return null;
        }

        var node = mapping[messageId] as JsonObject
            ?? mapping.Select(n => n.Value as JsonObject).FirstOrDefault(n => n?["message"]?["id"]?.GetValueKind() == JsonValueKind.String && n["message"]!["id"]!.GetValue<string>() == messageId);
        return node?["message"] is JsonObject message && message["author"]?["role"]?.GetValueKind() == JsonValueKind.String && message["author"]!["role"]!.GetValue<string>() == "assistant"
            ? message
            : null;
    }

    /// <summary>The string parts of the message's content, joined; other parts (pointers, tool payloads) are left out.</summary>
    private static string Text(JsonObject message)
    {
        var text = new StringBuilder();
        if (message["content"]?["parts"] is JsonArray parts)
        {
            foreach (var part in parts)
            {
                if (part?.GetValueKind() == JsonValueKind.String)
                {
                    text.Append(part.GetValue<string>());
                }
            }
        }

        return text.ToString();
    }

    private static long CreatedAt(JsonObject message, JsonObject conversation)
    {
        var time = message["create_time"] ?? conversation["create_time"];
        return time?.GetValueKind() == JsonValueKind.Number ? (long)time.GetValue<double>() : 0;
    }

    /// <summary>The catalog's id for the upstream slug the message names; the slug itself when the catalog has none.</summary>
    private string Model(JsonObject message)
    {
        var slug = message["metadata"]?["model_slug"]?.GetValueKind() == JsonValueKind.String ? message["metadata"]!["model_slug"]!.GetValue<string>() : "auto";
        return models.All.FirstOrDefault(m => m.Slug == slug)?.Id ?? slug;
    }
}
