using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Responses;

/// <summary>
/// Writes the Responses API's server-sent events for one text answer, in OpenAI's order: <c>response.created</c>,
/// <c>response.in_progress</c>, <c>response.output_item.added</c>, <c>response.content_part.added</c>, the
/// <c>response.output_text.delta</c>s, <c>response.output_text.done</c>, <c>response.content_part.done</c>,
/// <c>response.output_item.done</c>, <c>response.completed</c>. Each event is <c>event: &lt;type&gt;</c> plus
/// <c>data:</c> with the same <c>type</c> and a rising <c>sequence_number</c>; there is no <c>[DONE]</c>.
/// Deltas are buffered until <see cref="FlushAsync"/>, so a burst of upstream events leaves in one write.
/// </summary>
public sealed class ResponseStreamWriter(HttpResponse response) : IDisposable
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private readonly Utf8JsonWriter _json = new(response.BodyWriter);
    private int _sequence;

    /// <summary>Whether the opening events are out (the answer's ids are fixed from then on).</summary>
    public bool Started { get; private set; }

    /// <summary>Buffers the opening events; the answer's id and message id must be known by now.</summary>
    public void Start(ResponseJson.Answer answer)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        Started = true;
        Write("response.created", new JsonObject { ["response"] = ResponseJson.Response(answer, "in_progress", null, 0, 0) });
        Write("response.in_progress", new JsonObject { ["response"] = ResponseJson.Response(answer, "in_progress", null, 0, 0) });
        Write("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = ResponseJson.Message(answer.MessageId, "in_progress", null) });
        Write("response.content_part.added", Part(answer, ResponseJson.TextPart(string.Empty)));
    }

    public void WriteDelta(ResponseJson.Answer answer, string delta) => Write("response.output_text.delta", new JsonObject
    {
        ["item_id"] = answer.MessageId,
        ["output_index"] = 0,
        ["content_index"] = 0,
        ["delta"] = delta,
        ["logprobs"] = new JsonArray(),
    });

    public async Task WriteCompletedAsync(ResponseJson.Answer answer, string text, int inputTokens, int outputTokens, CancellationToken cancellationToken)
    {
        Write("response.output_text.done", new JsonObject
        {
            ["item_id"] = answer.MessageId,
            ["output_index"] = 0,
            ["content_index"] = 0,
            ["text"] = text,
            ["logprobs"] = new JsonArray(),
        });
        Write("response.content_part.done", Part(answer, ResponseJson.TextPart(text)));
        Write("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = ResponseJson.Message(answer.MessageId, "completed", text) });
        Write("response.completed", new JsonObject { ["response"] = ResponseJson.Response(answer, "completed", text, inputTokens, outputTokens) });
        await FlushAsync(cancellationToken);
    }

    /// <summary>A failure after the stream started: OpenAI's <c>error</c> event (the caller then aborts the connection).</summary>
    public async Task WriteErrorAsync(string message, string code, CancellationToken cancellationToken)
    {
        Write("error", new JsonObject { ["code"] = code, ["message"] = message, ["param"] = null });
        await FlushAsync(cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

    public void Dispose() => _json.Dispose();

    private static JsonObject Part(ResponseJson.Answer answer, JsonObject part) => new()
    {
        ["item_id"] = answer.MessageId,
        ["output_index"] = 0,
        ["content_index"] = 0,
        ["part"] = part,
    };

    private void Write(string type, JsonObject data)
    {
        var pipe = response.BodyWriter;
        pipe.Write(EventPrefix);
        pipe.Write(System.Text.Encoding.UTF8.GetBytes(type));
        pipe.Write(DataPrefix);
        _json.Reset(pipe);
        _json.WriteStartObject();
        _json.WriteString("type", type);
        foreach (var (name, value) in data)
        {
            _json.WritePropertyName(name);
            if (value is null)
            {
                _json.WriteNullValue();
            }
            else
            {
                value.WriteTo(_json);
            }
        }

        _json.WriteNumber("sequence_number", _sequence++);
        _json.WriteEndObject();
        _json.Flush();
        pipe.Write(EventEnd);
    }
}
