using System.Text.Json.Nodes;

namespace MirrorGate.Api.Responses;

/// <summary>
/// The Responses API's <c>response</c> object and its output message, in OpenAI's shape. The web backend has no
/// sampling settings and reports no usage, so those fields carry OpenAI's defaults and the project's token estimate.
/// </summary>
public static class ResponseJson
{
    /// <summary>What one answer is, at any moment of its life.</summary>
    public sealed record Answer(string Id, long CreatedAt, string Model, string? Instructions, string? PreviousResponseId, bool Store, string MessageId);

    public static JsonObject Response(Answer answer, string status, string? text, int inputTokens, int outputTokens, JsonObject? error = null) => new()
    {
        ["id"] = answer.Id,
        ["object"] = "response",
        ["created_at"] = answer.CreatedAt,
        ["status"] = status,
        ["background"] = false,
        ["error"] = error,
        ["incomplete_details"] = null,
        ["instructions"] = answer.Instructions,
        ["max_output_tokens"] = null,
        ["model"] = answer.Model,
        ["output"] = text is null ? new JsonArray() : new JsonArray(Message(answer.MessageId, "completed", text)),
        ["parallel_tool_calls"] = true,
        ["previous_response_id"] = answer.PreviousResponseId,
        ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
        ["store"] = answer.Store,
        ["temperature"] = 1.0,
        ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = "auto",
        ["tools"] = new JsonArray(),
        ["top_p"] = 1.0,
        ["truncation"] = "disabled",
        ["usage"] = status == "completed" ? Usage(inputTokens, outputTokens) : null,
        ["user"] = null,
        ["metadata"] = new JsonObject(),
    };

    public static JsonObject Message(string messageId, string status, string? text) => new()
    {
        ["id"] = messageId,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = text is null ? new JsonArray() : new JsonArray(TextPart(text)),
    };

    public static JsonObject TextPart(string text) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
    };

    private static JsonObject Usage(int inputTokens, int outputTokens) => new()
    {
        ["input_tokens"] = inputTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = outputTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = inputTokens + outputTokens,
    };
}
