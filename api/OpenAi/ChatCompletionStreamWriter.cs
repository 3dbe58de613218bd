using System.Buffers;
using System.Text.Json;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// Writes <c>chat.completion.chunk</c> server-sent events straight into the response pipe with one
/// reused JSON writer. Content chunks are buffered and sent by <see cref="FlushAsync"/>, so a burst of
/// upstream events leaves in one write; every other event is sent at once. Chunks carry chatgpt-gateway's extra
/// <c>conversation_id</c> and <c>message_id</c> on the final chunk.
/// </summary>
public sealed class ChatCompletionStreamWriter(HttpResponse response, string id, long created, string model) : IDisposable
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly Utf8JsonWriter _json = new(response.BodyWriter);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await WriteChunkAsync(role: "assistant", content: string.Empty, finishReason: null, cancellationToken: cancellationToken);
    }

    /// <summary>Buffers a content chunk without sending it; <see cref="FlushAsync"/> sends what is buffered.</summary>
    public void WriteContent(string content) => WriteEvent(json => WriteChunk(json, role: null, content, finishReason: null, conversationId: null, messageId: null));

    public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

    public Task WriteFinishAsync(string finishReason, string? conversationId, string? messageId, CancellationToken cancellationToken) =>
        WriteChunkAsync(role: null, content: null, finishReason, conversationId, messageId, cancellationToken);

    public Task WriteUsageAsync(int promptTokens, int completionTokens, CancellationToken cancellationToken) =>
        WriteEventAsync(json =>
        {
            WriteHeader(json);
            json.WriteStartArray("choices");
            json.WriteEndArray();
            ChatCompletionJson.WriteUsage(json, promptTokens, completionTokens);
            json.WriteEndObject();
        }, cancellationToken);

    /// <summary>An error after the stream started: an OpenAI error object as an event, never followed by [DONE].</summary>
    public Task WriteErrorAsync(string message, string code, CancellationToken cancellationToken) =>
        WriteEventAsync(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", "server_error");
            json.WriteNull("param");
            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }, cancellationToken);

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        response.BodyWriter.Write(Done);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();

    private Task WriteChunkAsync(string? role, string? content, string? finishReason, string? conversationId = null, string? messageId = null, CancellationToken cancellationToken = default) =>
        WriteEventAsync(json => WriteChunk(json, role, content, finishReason, conversationId, messageId), cancellationToken);

    private void WriteChunk(Utf8JsonWriter json, string? role, string? content, string? finishReason, string? conversationId, string? messageId)
    {
        WriteHeader(json);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("delta");
        if (role is not null)
        {
            json.WriteString("role", role);
        }

        if (content is not null)
        {
            json.WriteString("content", content);
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        if (finishReason is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finishReason);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        if (conversationId is not null)
        {
            json.WriteString("conversation_id", conversationId);
            json.WriteString("message_id", messageId);
        }

        json.WriteEndObject();
    }

    private void WriteHeader(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteNull("system_fingerprint");
    }

    private async Task WriteEventAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        WriteEvent(write);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private void WriteEvent(Action<Utf8JsonWriter> write)
    {
        var pipe = response.BodyWriter;
        pipe.Write(DataPrefix);
        _json.Reset(pipe);
        write(_json);
        _json.Flush();
        pipe.Write(EventEnd);
    }
}
