using System.Buffers;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// Reads server-sent events from a stream. With a raw destination it also copies every byte read to it, flushing
/// right after each event's last byte, so a pass-through caller sees events as soon as the upstream sends them.
/// </summary>
internal sealed class SseReader : IDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly Stream _source;
    private readonly Stream? _rawDestination;
    private readonly SseParser _parser = new();
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private int _rawWritten;
    private bool _completed;

    public SseReader(Stream source, Stream? rawDestination = null)
    {
        _source = source;
        _rawDestination = rawDestination;
    }

    /// <summary>The last event read; valid until the next <see cref="ReadAsync"/>.</summary>
    public SseEvent Current { get; private set; }

    /// <summary>Reads the next event; false at end of stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(SseReader));
        while (!_completed)
        {
            if (_start < _end)
            {
                var found = _parser.TryRead(buffer.AsSpan(_start, _end - _start), out var consumed, out var sseEvent);
                _start += consumed;
                if (found)
                {
                    await WriteRawAsync(buffer, _start, flush: true, cancellationToken);
                    Current = sseEvent;
                    return true;
                }

                continue;
            }

            await WriteRawAsync(buffer, _end, flush: false, cancellationToken);
            _start = _end = _rawWritten = 0;
            var read = await ReadSourceAsync(buffer, cancellationToken);
            if (read == 0)
            {
                _completed = true;
                if (_rawDestination is not null)
                {
                    await _rawDestination.FlushAsync(cancellationToken);
                }

                if (_parser.TryComplete(out var last))
                {
                    Current = last;
                    return true;
                }

                return false;
            }

            _end = read;
        }

        return false;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Failures of the upstream connection become <see cref="UpstreamStreamBrokenException"/>; failures writing to the
    /// raw destination (our own client going away) are left as they are, so the two are never confused.
    /// </summary>
    private async ValueTask<int> ReadSourceAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _source.ReadAsync(buffer.AsMemory(), cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or ObjectDisposedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new UpstreamStreamBrokenException("The upstream connection dropped mid-stream.", exception);
        }
    }

    private async ValueTask WriteRawAsync(byte[] buffer, int upTo, bool flush, CancellationToken cancellationToken)
    {
        if (_rawDestination is null)
        {
            return;
        }

        if (upTo > _rawWritten)
        {
            await _rawDestination.WriteAsync(buffer.AsMemory(_rawWritten, upTo - _rawWritten), cancellationToken);
            _rawWritten = upTo;
        }

        if (flush)
        {
            await _rawDestination.FlushAsync(cancellationToken);
        }
    }
}
