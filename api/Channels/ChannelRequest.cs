using System.Buffers;
using System.Text.Json;

namespace MirrorGate.Api.Channels;

/// <summary>
/// A request body bound for a channel, as bytes: read once into a pooled buffer, scanned (not deserialized) for the
/// few fields the gateway acts on, and forwarded unchanged apart from the model name (and, for a stream, the
/// <c>stream_options.include_usage</c> the gateway needs to count tokens). Dispose returns the buffer.
/// </summary>
public sealed class ChannelRequest : IDisposable
{
    private byte[] _buffer;
    private int _length;

    // Where the fields are in the body, as (start, length) of their value's bytes; -1: absent.
    private int _modelStart = -1, _modelLength;
    private int _streamOptionsStart = -1, _streamOptionsLength;
    private int _includeUsageStart = -1, _includeUsageLength;
    private bool _streamOptionsEmpty;
    private int _objectStart;

    private ChannelRequest(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public string Model { get; private set; } = string.Empty;

    public bool Stream { get; private set; }

    /// <summary>The caller asked for the final usage chunk of a stream (<c>stream_options.include_usage: true</c>).</summary>
    public bool CallerWantsUsage { get; private set; }

    /// <summary><c>max_tokens</c>, <c>max_completion_tokens</c> or <c>max_output_tokens</c>; 0 when none is given.</summary>
    public int MaxOutputTokens { get; private set; }

    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, _length);

    /// <summary>
    /// The tokens the request may use, for a tokens-per-minute limit: its size in bytes / 4 (a prompt estimate that
    /// errs high, JSON included) plus its maximum output. Public so operators and tests can reproduce it.
    /// </summary>
    public int EstimatedTokens => EstimateTokens(_length, MaxOutputTokens);

    public static int EstimateTokens(int bodyBytes, int maxOutputTokens) => (int)Math.Min(int.MaxValue, ((bodyBytes + 3L) / 4) + maxOutputTokens);

    /// <summary>Why the body is not a JSON object with a model (a message for a 400); null when it is.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Reads and scans the body. The request is null only when the body could not be read (then the problem is a
    /// message for a 400, or a 413 when too large); a body read but not usable comes with its <see cref="Problem"/>.
    /// </summary>
    public static async Task<(ChannelRequest? Request, bool TooLarge, string? Problem)> ReadAsync(HttpRequest http, long maxBytes, CancellationToken cancellationToken)
    {
        var limit = (int)Math.Min(maxBytes, Array.MaxLength - 1);
        if (http.ContentLength > limit)
        {
            return (null, true, $"The request body is larger than {limit} bytes.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(http.ContentLength ?? 4096, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await http.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, true, $"The request body is larger than {limit} bytes.");
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge, "The request body could not be read: " + ex.Message);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        var request = new ChannelRequest(buffer, length);
        request.Problem = request.Scan();
        return (request, false, null);
    }

    /// <summary>
    /// The body to send, as content that writes the caller's bytes with at most two edits spliced in while it is sent
    /// (no copy of the body): the model's value when the channel renames it, and for a stream the usage request.
    /// </summary>
    /// <param name="upstreamModel">The channel's name for the model.</param>
    /// <param name="askUsage">Make sure a stream ends with the usage chunk.</param>
    public HttpContent ContentFor(string upstreamModel, bool askUsage)
    {
        var renamed = !string.Equals(upstreamModel, Model, StringComparison.Ordinal);
        askUsage &= Stream && !CallerWantsUsage;
        if (!renamed && !askUsage)
        {
            return new ReadOnlyMemoryContent(Body);
        }

        Splice usage = default;
        if (askUsage)
        {
            usage = _includeUsageStart >= 0 ? new Splice(_includeUsageStart, _includeUsageLength, True)
                : _streamOptionsStart >= 0 && _buffer[_streamOptionsStart] == (byte)'{' ? new Splice(_streamOptionsStart + 1, 0, _streamOptionsEmpty ? IncludeUsageAlone : IncludeUsageFirst)
                : _streamOptionsStart >= 0 ? new Splice(_streamOptionsStart, _streamOptionsLength, StreamOptionsObject)
                : new Splice(_objectStart + 1, 0, StreamOptionsMember);
        }

        var model = renamed ? new Splice(_modelStart, _modelLength, EncodedNames.GetOrAdd(upstreamModel, static name => JsonSerializer.SerializeToUtf8Bytes(name))) : default;
        return !askUsage ? new SplicedContent(Body, model, default)
            : !renamed ? new SplicedContent(Body, usage, default)
            : model.Start < usage.Start ? new SplicedContent(Body, model, usage) : new SplicedContent(Body, usage, model);
    }

    /// <summary>The mapped model names as JSON strings, encoded once (operators define a handful).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> EncodedNames = new(StringComparer.Ordinal);

    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] IncludeUsageAlone = "\"include_usage\":true"u8.ToArray();
    private static readonly byte[] IncludeUsageFirst = "\"include_usage\":true,"u8.ToArray();
    private static readonly byte[] StreamOptionsObject = "{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] StreamOptionsMember = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();

    /// <summary>Replace <see cref="Length"/> bytes at <see cref="Start"/> by <see cref="Bytes"/> (null: no edit).</summary>
    private readonly record struct Splice(int Start, int Length, byte[]? Bytes);

    /// <summary>The body with up to two edits, in body order, written piece by piece.</summary>
    private sealed class SplicedContent : HttpContent
    {
        private readonly ReadOnlyMemory<byte> _body;
        private readonly Splice _first;
        private readonly Splice _second;

        public SplicedContent(ReadOnlyMemory<byte> body, Splice first, Splice second)
        {
            (_body, _first, _second) = (body, first, second);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            var from = await WriteAsync(stream, 0, _first, cancellationToken);
            from = await WriteAsync(stream, from, _second, cancellationToken);
            await stream.WriteAsync(_body[from..], cancellationToken);
        }

        /// <summary>Writes the body from <paramref name="from"/> up to the splice, then the splice; returns where the body goes on.</summary>
        private async ValueTask<int> WriteAsync(Stream stream, int from, Splice splice, CancellationToken cancellationToken)
        {
            if (splice.Bytes is null)
            {
                return from;
            }

            await stream.WriteAsync(_body[from..splice.Start], cancellationToken);
            await stream.WriteAsync(splice.Bytes, cancellationToken);
            return splice.Start + splice.Length;
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length + (_first.Bytes?.Length ?? 0) - _first.Length + (_second.Bytes?.Length ?? 0) - _second.Length;
            return true;
        }
    }

    /// <summary>One pass over the JSON: checks it is an object and records where the fields of interest are.</summary>
    private string? Scan()
    {
        var span = _buffer.AsSpan(0, _length);
        var bom = "\uFEFF"u8;
        var offset = span.StartsWith(bom) ? bom.Length : 0;
        var reader = new Utf8JsonReader(span[offset..], new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType is not JsonTokenType.StartObject)
            {
                return "The request body must be a JSON object.";
            }

            _objectStart = offset + (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType is JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("model"u8) ? 1
                    : reader.ValueTextEquals("stream"u8) ? 2
                    : reader.ValueTextEquals("stream_options"u8) ? 3
                    : reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_output_tokens"u8) ? 4
                    : 0;
                reader.Read();
                var start = offset + (int)reader.TokenStartIndex;
                switch (field)
                {
                    case 1 when reader.TokenType is JsonTokenType.String:
                        if (_modelStart >= 0)
                        {
                            return "The request names 'model' twice.";
                        }

                        Model = reader.GetString() ?? string.Empty;
                        _modelStart = start;
                        _modelLength = offset + (int)reader.BytesConsumed - start;
                        break;
                    case 1:
                        return "Invalid type for 'model': expected a string.";
                    case 2:
                        Stream = reader.TokenType is JsonTokenType.True;
                        break;
                    case 3 when reader.TokenType is JsonTokenType.StartObject:
                        _streamOptionsStart = start;
                        ScanStreamOptions(ref reader, offset);
                        _streamOptionsLength = offset + (int)reader.BytesConsumed - start;
                        break;
                    case 3:
                        _streamOptionsStart = start;
                        reader.Skip();
                        _streamOptionsLength = offset + (int)reader.BytesConsumed - start;
                        break;
                    case 4 when reader.TokenType is JsonTokenType.Number && reader.TryGetInt32(out var max) && max > 0:
                        MaxOutputTokens = Math.Max(MaxOutputTokens, max);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType is not JsonTokenType.EndObject || reader.Read())
            {
                return "The request body must be one JSON object.";
            }
        }
        catch (JsonException ex)
        {
            return "The request body is not valid JSON: " + ex.Message;
        }

        return _modelStart < 0 || Model.Length == 0 ? "Missing required parameter: 'model'." : null;
    }

    private void ScanStreamOptions(ref Utf8JsonReader reader, int offset)
    {
        _streamOptionsEmpty = true;
        while (reader.Read() && reader.TokenType is JsonTokenType.PropertyName)
        {
            _streamOptionsEmpty = false;
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                CallerWantsUsage = reader.TokenType is JsonTokenType.True;
                _includeUsageStart = offset + (int)reader.TokenStartIndex;
                _includeUsageLength = offset + (int)reader.BytesConsumed - _includeUsageStart;
            }

            reader.Skip();
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _length = 0;
    }
}
