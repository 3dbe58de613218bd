namespace MirrorGate.Api.Channels;

/// <summary>Just enough of server-sent events to relay them whole: where one ends, its data, and whether it is the last of an answer.</summary>
internal static class SseEvents
{
    /// <summary>The length of the first complete event in <paramref name="buffer"/> and of the blank line that ends it.</summary>
    public static bool NextEnd(ReadOnlySpan<byte> buffer, out int length, out int separator)
    {
        var lf = buffer.IndexOf("\n\n"u8);
        var crlf = buffer.IndexOf("\r\n\r\n"u8);
        if (lf < 0 && crlf < 0)
        {
            (length, separator) = (0, 0);
            return false;
        }

        (length, separator) = crlf >= 0 && (lf < 0 || crlf < lf) ? (crlf, 4) : (lf, 2);
        return true;
    }

    /// <summary>
    /// Whether the event ends the answer: <c>data: [DONE]</c>, or for the responses API <c>response.completed</c>,
    /// <c>response.incomplete</c> or <c>response.failed</c> (by its <c>event:</c> line, else its data's <c>type</c>).
    /// <paramref name="data"/> is the event's (first) data line without <c>data:</c>.
    /// </summary>
    public static bool IsFinal(ReadOnlySpan<byte> sse, ChannelEndpoint endpoint, out ReadOnlySpan<byte> data)
    {
        data = default;
        ReadOnlySpan<byte> name = default;
        var rest = sse;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.StartsWith("data:"u8) && data.IsEmpty)
            {
                data = line[5..].TrimStart((byte)' ');
            }
            else if (line.StartsWith("event:"u8))
            {
                name = line[6..].Trim((byte)' ');
            }
        }

        if (endpoint is not ChannelEndpoint.Responses)
        {
            return data.SequenceEqual("[DONE]"u8);
        }

        if (name.IsEmpty)
        {
            name = data.IndexOf("\"type\":\"response.completed\""u8) >= 0 ? "response.completed"u8
                : data.IndexOf("\"type\":\"response.incomplete\""u8) >= 0 ? "response.incomplete"u8
                : data.IndexOf("\"type\":\"response.failed\""u8) >= 0 ? "response.failed"u8
                : default;
        }

        return name.SequenceEqual("response.completed"u8) || name.SequenceEqual("response.incomplete"u8) || name.SequenceEqual("response.failed"u8);
    }

    /// <summary>Whether <paramref name="data"/> holds a <c>"usage"</c> member whose value is an object (not the <c>null</c> of every other chunk).</summary>
    public static bool HasUsageObject(ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (true)
        {
            var at = rest.IndexOf("\"usage\""u8);
            if (at < 0)
            {
                return false;
            }

            rest = rest[(at + 7)..];
            var after = rest.TrimStart(" \t\r\n"u8);
            if (!after.IsEmpty && after[0] == (byte)':' && after[1..].TrimStart(" \t\r\n"u8) is { IsEmpty: false } value && value[0] == (byte)'{')
            {
                return true;
            }
        }
    }
}
