using System.Text;

namespace MirrorGate.Tests.Simulator;

/// <summary>Reads SSE events from a response body; remembers what it got before a broken connection.</summary>
internal static class SseReader
{
    public static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        var (events, error) = await ReadUntilErrorAsync(response);
        return error is null ? events : throw new InvalidOperationException("stream broke", error);
    }

    /// <summary>Events up to the end of the stream or the first transport error, and that error.</summary>
    public static async Task<(List<SseEvent> Events, Exception? Error)> ReadUntilErrorAsync(HttpResponseMessage response)
    {
        var events = new List<SseEvent>();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body, Encoding.UTF8);
            string? name = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        events.Add(new SseEvent(name, data.ToString()));
                    }

                    name = null;
                    data.Clear();
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line["data: ".Length..]);
                }
            }

            return (events, null);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (events, ex);
        }
    }
}
