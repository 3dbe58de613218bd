using System.Text;
using MirrorGate.Upstream.ChatGpt.Streaming;

namespace MirrorGate.Tests.Upstream;

public sealed class SseParserTests
{
    [Fact]
    public void Reads_event_names_and_data()
    {
        var events = Parse("event: delta_encoding\ndata: \"v1\"\n\nevent: delta\ndata: {\"v\":\"x\"}\n\ndata: [DONE]\n\n");

        Assert.Equal([("delta_encoding", "\"v1\""), ("delta", "{\"v\":\"x\"}"), (null, "[DONE]")], events);
    }

    [Fact]
    public void Joins_multi_line_data_with_line_feeds_and_skips_comments()
    {
        var events = Parse(": keep-alive\ndata: first\n: inner comment\ndata:second\ndata\n\n");

        Assert.Equal([(null, "first\nsecond\n")], events);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\n")]
    public void Accepts_every_line_ending(string eol)
    {
        var events = Parse($"event: delta{eol}data: a{eol}{eol}data: b{eol}{eol}");

        Assert.Equal([("delta", "a"), (null, "b")], events);
    }

    [Fact]
    public void Byte_by_byte_feeding_gives_the_same_events_even_with_crlf_split()
    {
        const string text = "event: delta\r\ndata: {\"v\":\"é€\"}\r\n\r\n: c\r\ndata: [DONE]\r\n\r\n";

        Assert.Equal(Parse(text), Parse(text, chunkSize: 1));
        Assert.Equal([("delta", "{\"v\":\"é€\"}"), (null, "[DONE]")], Parse(text, chunkSize: 1));
    }

    [Fact]
    public void A_blank_line_without_data_dispatches_nothing_and_resets_the_name()
    {
        var events = Parse("event: delta\n\ndata: x\n\n");

        Assert.Equal([(null, "x")], events);
    }

    [Fact]
    public void An_event_missing_its_final_blank_line_is_still_delivered_at_the_end()
    {
        Assert.Equal([(null, "a"), (null, "[DONE]")], Parse("data: a\n\ndata: [DONE]"));
    }

    [Fact]
    public void Consumed_counts_end_exactly_after_the_dispatching_blank_line()
    {
        var parser = new SseParser();
        var input = "data: a\n\ndata: b\n\n"u8;

        Assert.True(parser.TryRead(input, out var consumed, out var first));
        Assert.Equal(9, consumed);
        Assert.Equal("a", Encoding.UTF8.GetString(first.Data.Span));
        Assert.True(parser.TryRead(input[consumed..], out var rest, out _));
        Assert.Equal(input.Length - consumed, rest);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1024)]
    public async Task Reader_copies_every_raw_byte_and_flushes_after_each_event(int chunk)
    {
        var raw = "event: delta\r\ndata: 1\r\n\r\n: comment\ndata: 2\n\ndata: [DONE]\n\n";
        var destination = new FlushCountingStream();
        using var reader = new SseReader(new TrickleStream(Encoding.UTF8.GetBytes(raw), chunk), destination);
        var seen = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            var data = Encoding.UTF8.GetString(reader.Current.Data.Span);
            seen.Add(data);
            // Everything up to this event's end reached the destination and was flushed before the event was returned.
            Assert.EndsWith(data, destination.FlushedText.TrimEnd('\r', '\n'));
        }

        Assert.Equal(["1", "2", "[DONE]"], seen);
        Assert.Equal(raw, destination.Text);
        Assert.Equal(raw, destination.FlushedText);
    }

    [Fact]
    public void A_crlf_event_end_is_consumed_whole_when_it_is_all_there()
    {
        var parser = new SseParser();

        Assert.True(parser.TryRead("data: a\r\n\r\ndata: b"u8, out var consumed, out _));
        Assert.Equal(11, consumed);
    }

    private static List<(string? Name, string Data)> Parse(string text, int chunkSize = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var parser = new SseParser();
        var events = new List<(string?, string)>();
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(chunkSize, bytes.Length - offset));
            while (!chunk.IsEmpty && parser.TryRead(chunk, out var consumed, out var sseEvent))
            {
                events.Add((sseEvent.Name, Encoding.UTF8.GetString(sseEvent.Data.Span)));
                chunk = chunk[consumed..];
            }
        }

        if (parser.TryComplete(out var last))
        {
            events.Add((last.Name, Encoding.UTF8.GetString(last.Data.Span)));
        }

        return events;
    }
}
