using System.Runtime.CompilerServices;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Upstream.ChatGpt.Streaming;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// An open conversation response. Read it once, either decoded (<see cref="ReadEventsAsync"/>) or passed through
/// (<see cref="CopyRawToAsync"/>), then dispose it; disposing early aborts the upstream request.
/// </summary>
public sealed class ConversationStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly StreamContext _context;
    private readonly ConversationDecoder _decoder = new();
    private readonly List<ConversationEvent> _pending = [];
    private int _read;

    internal ConversationStream(HttpResponseMessage response, Stream body, StreamContext context)
    {
        _response = response;
        _body = body;
        _context = context;
    }

    /// <summary>The upstream's <c>Content-Type</c>, normally <c>text/event-stream</c>.</summary>
    public string? ContentType => _response.Content.Headers.ContentType?.ToString();

    /// <summary>
    /// The decoded events, both for full-message and "v1" streams. Throws <see cref="UpstreamStreamBrokenException"/>
    /// when the stream drops, carries an in-stream error, or ends without a finished assistant turn and <c>[DONE]</c>.
    /// </summary>
    public async IAsyncEnumerable<ConversationEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StartReading();
        using var reader = new SseReader(_body);
        while (await NextAsync(reader, cancellationToken))
        {
            foreach (var conversationEvent in _pending)
            {
                yield return conversationEvent;
            }

            _pending.Clear();
        }

        foreach (var conversationEvent in _pending)
        {
            yield return conversationEvent;
        }

        _pending.Clear();
    }

    /// <summary>
    /// Copies the upstream's raw SSE bytes to <paramref name="destination"/> as they arrive, flushing after each
    /// event, while decoding them for <paramref name="observer"/>. Failures of the upstream side throw
    /// <see cref="UpstreamStreamBrokenException"/>; failures writing to <paramref name="destination"/> propagate as they are.
    /// </summary>
    public async Task CopyRawToAsync(Stream destination, Action<ConversationEvent>? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        StartReading();
        using var reader = new SseReader(_body, destination);
        while (true)
        {
            var more = await NextAsync(reader, cancellationToken);
            if (observer is not null)
            {
                foreach (var conversationEvent in _pending)
                {
                    observer(conversationEvent);
                }
            }

            _pending.Clear();
            if (!more)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
    }

    private void StartReading()
    {
        if (Interlocked.Exchange(ref _read, 1) != 0)
        {
            throw new InvalidOperationException("A conversation stream can be read only once.");
        }
    }

    /// <summary>Reads and decodes one event into <see cref="_pending"/>; at the end, validates the stream and returns false.</summary>
    private async ValueTask<bool> NextAsync(SseReader reader, CancellationToken cancellationToken)
    {
        try
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                _decoder.Decode(reader.Current, _pending);
                return true;
            }

            _decoder.Complete(_pending);
            _context.Completed(_decoder);
            return false;
        }
        catch (UpstreamStreamBrokenException exception)
        {
            _context.Broken(exception);
            throw;
        }
    }
}
