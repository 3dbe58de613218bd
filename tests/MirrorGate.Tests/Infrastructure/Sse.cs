using System.Text.Json.Nodes;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Reads an OpenAI-style SSE response as a raw client would, noting whether it ended cleanly.</summary>
public sealed record SseRead(IReadOnlyList<JsonNode> Events, bool SawDone, Exception? Failure)
{
    public string Text => string.Concat(Events
        .Select(e => e["choices"] is JsonArray { Count: > 0 } choices ? choices[0]!["delta"]?["content"]?.GetValue<string>() : null)
        .Where(t => t is not null));

    public static async Task<SseRead> ReadAsync(HttpResponseMessage response)
    {
        var events = new List<JsonNode>();
        var done = false;
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line[6..];
                if (data == "[DONE]")
                {
                    done = true;
                    continue;
                }

                events.Add(JsonNode.Parse(data)!);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException)
        {
            return new SseRead(events, done, ex);
        }

        return new SseRead(events, done, null);
    }
}
