using System.Text;

namespace MirrorGate.Tests.Upstream;

/// <summary>Returns at most <c>chunk</c> bytes per read, like a network stream; optionally fails after the data.</summary>
internal sealed class TrickleStream(byte[] data, int chunk, Exception? failAtEnd = null) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position == data.Length && failAtEnd is not null)
        {
            throw failAtEnd;
        }

        var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A memory stream that remembers what had been written when it was last flushed.</summary>
internal sealed class FlushCountingStream : MemoryStream
{
    public string FlushedText { get; private set; } = string.Empty;

    public int Flushes { get; private set; }

    public string Text => Encoding.UTF8.GetString(ToArray());

    public override void Flush()
    {
        Flushes++;
        FlushedText = Text;
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }
}
