using System.Buffers;
using System.Text;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// Incremental server-sent-events parser (WHATWG rules): lines end in CRLF, LF or CR (also split across chunks);
/// <c>:</c> lines are comments; <c>data</c> lines accumulate joined by <c>\n</c>; a blank line dispatches.
/// Bytes are fed as they arrive, so the caller knows exactly where each event ends (for pass-through).
/// </summary>
internal sealed class SseParser
{
    // A guard against an upstream that never ends an event; real events are a few KB.
    private const int MaxEventBytes = 8 * 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _partialLine = new(256);
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private string? _eventName;
    private bool _hasData;
    private bool _resetBeforeNext;
    private bool _skipLineFeed;

    /// <summary>
    /// Consumes <paramref name="input"/> until one event is dispatched (true) or the input is used up (false).
    /// <paramref name="consumed"/> counts the bytes read, up to and including the dispatching blank line.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> input, out int consumed, out SseEvent sseEvent)
    {
        ResetIfDispatched();
        sseEvent = default;
        consumed = 0;
        while (consumed < input.Length)
        {
            var rest = input[consumed..];
            if (_skipLineFeed)
            {
                // The previous chunk ended in CR: an LF right after it belongs to the same line ending.
                _skipLineFeed = false;
                if (rest[0] == (byte)'\n')
                {
                    consumed++;
                    continue;
                }
            }

            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                Append(_partialLine, rest);
                consumed = input.Length;
                return false;
            }

            consumed += end + 1;
            _skipLineFeed = rest[end] == (byte)'\r';
            bool dispatched;
            if (_partialLine.WrittenCount > 0)
            {
                Append(_partialLine, rest[..end]);
                dispatched = ProcessLine(_partialLine.WrittenSpan, out sseEvent);
                _partialLine.ResetWrittenCount();
            }
            else
            {
                dispatched = ProcessLine(rest[..end], out sseEvent);
            }

            if (dispatched)
            {
                // Take the LF of a CRLF along when it is already here, so a pass-through copy ends on the whole event.
                if (_skipLineFeed && consumed < input.Length && input[consumed] == (byte)'\n')
                {
                    _skipLineFeed = false;
                    consumed++;
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// At end of stream: dispatches what is pending. More lenient than the standard, which drops an event that
    /// lacks its blank line, because some servers end with <c>data: [DONE]</c> and no blank line; a truncated JSON
    /// event still fails to decode, so nothing broken passes as whole.
    /// </summary>
    public bool TryComplete(out SseEvent sseEvent)
    {
        ResetIfDispatched();
        sseEvent = default;
        if (_partialLine.WrittenCount > 0)
        {
            ProcessLine(_partialLine.WrittenSpan, out _);
            _partialLine.ResetWrittenCount();
        }

        return ProcessLine([], out sseEvent);
    }

    private bool ProcessLine(ReadOnlySpan<byte> line, out SseEvent sseEvent)
    {
        sseEvent = default;
        if (line.IsEmpty)
        {
            if (!_hasData)
            {
                _eventName = null;
                return false;
            }

            // Drop the LF appended after the last data line.
            sseEvent = new SseEvent(_eventName, _data.WrittenMemory[..^1]);
            _resetBeforeNext = true;
            return true;
        }

        if (line[0] == (byte)':')
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            Append(_data, value);
            Append(_data, "\n"u8);
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventName = EventName(value);
        }

        // "id" and "retry" do not matter to a one-shot upstream stream; unknown fields are ignored by the standard.
        return false;
    }

    private void ResetIfDispatched()
    {
        if (_resetBeforeNext)
        {
            _resetBeforeNext = false;
            _data.ResetWrittenCount();
            _hasData = false;
            _eventName = null;
        }
    }

    private void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        if (_partialLine.WrittenCount + _data.WrittenCount + bytes.Length > MaxEventBytes)
        {
            throw new InvalidDataException("An upstream server-sent event exceeded the size limit.");
        }

        buffer.Write(bytes);
    }

    // The names the upstream uses are few; returning constants keeps the hot path free of allocations.
    private static string EventName(ReadOnlySpan<byte> value) =>
        value.SequenceEqual("delta"u8) ? "delta"
        : value.SequenceEqual("delta_encoding"u8) ? "delta_encoding"
        : value.SequenceEqual("message"u8) ? "message"
        : Encoding.UTF8.GetString(value);
}
