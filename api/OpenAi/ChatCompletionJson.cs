using System.Text.Json;

namespace MirrorGate.Api.OpenAi;

/// <summary>The whole (non-stream) <c>chat.completion</c> object, plus chatgpt-gateway's <c>conversation_id</c>.</summary>
public static class ChatCompletionJson
{
    public static async Task WriteAsync(HttpResponse response, string id, long created, string model, string content, string finishReason, int promptTokens, int completionTokens, string? conversationId, string? messageId, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion");
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", content);
            json.WriteNull("refusal");
            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", finishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            WriteUsage(json, promptTokens, completionTokens);
            json.WriteNull("system_fingerprint");
            if (conversationId is not null)
            {
                json.WriteString("conversation_id", conversationId);
                json.WriteString("message_id", messageId);
            }

            json.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
    }

    public static void WriteUsage(Utf8JsonWriter json, int promptTokens, int completionTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("completion_tokens", completionTokens);
        json.WriteNumber("total_tokens", promptTokens + completionTokens);
        json.WriteEndObject();
    }
}
