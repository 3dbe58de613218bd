using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Streaming;

/// <summary>Writes server-sent events: optional <c>event: name</c> line, one <c>data:</c> line of compact
/// JSON, a blank line; flushed one by one so clients see each event as it is produced.</summary>
internal sealed class SseWriter(HttpResponse response, CancellationToken cancellationToken)
{
    public async Task StartAsync()
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);
    }

    public Task EventAsync(string? name, JsonNode data) => WriteAsync(name, SimJson.Compact(data));

    public Task DataAsync(JsonNode data) => WriteAsync(null, SimJson.Compact(data));

    public Task DoneAsync() => WriteAsync(null, "[DONE]");

    /// <summary>Raw data text, e.g. the JSON string <c>"v1"</c> of <c>delta_encoding</c>.</summary>
    public async Task WriteAsync(string? name, string data)
    {
        var text = new StringBuilder();
        if (name is not null)
        {
            text.Append("event: ").Append(name).Append('\n');
        }

        text.Append("data: ").Append(data).Append("\n\n");
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
