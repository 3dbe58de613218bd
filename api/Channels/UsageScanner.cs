using System.Buffers;
using System.Text.Json;

namespace MirrorGate.Api.Channels;

/// <summary>
/// Finds the <c>usage</c> object in an upstream's JSON as it streams past, without holding the answer: chat and
/// legacy completions and embeddings (<c>prompt_tokens</c>, <c>completion_tokens</c>) and responses
/// (<c>input_tokens</c>, <c>output_tokens</c>), at the top level or one level down (a responses stream's
/// <c>response.completed</c> carries it in <c>response</c>). Fed chunk by chunk; only the bytes of a token cut by a
/// chunk's end are kept for the next one.
/// </summary>
public sealed class UsageScanner : IDisposable
{
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private byte[] _carry = [];
    private int _carryLength;
    private bool _usageNext;
    private int _usageDepth = -1;
    private int _field;
    private bool _choicesNext;
    private bool _choicesOpen;
    private bool _failed;

    public int PromptTokens { get; private set; }

    public int CompletionTokens { get; private set; }

    public bool Found { get; private set; }

    /// <summary>A top-level <c>"choices": []</c> was seen: a stream's extra usage chunk.</summary>
    public bool ChoicesEmpty { get; private set; }

    /// <summary>Scans one complete JSON document (an SSE event's data) with a fresh state.</summary>
    public static UsageScanner ScanWhole(ReadOnlySpan<byte> json)
    {
        var scanner = new UsageScanner();
        scanner.Feed(json, final: true);
        return scanner;
    }

    /// <summary>Scans the next bytes of the document; <paramref name="final"/> on its last ones. Invalid JSON stops the scan quietly.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, bool final)
    {
        if (_failed)
        {
            return;
        }

        ReadOnlySpan<byte> input = chunk;
        byte[]? joined = null;
        if (_carryLength > 0)
        {
            joined = ArrayPool<byte>.Shared.Rent(_carryLength + chunk.Length);
            _carry.AsSpan(0, _carryLength).CopyTo(joined);
            chunk.CopyTo(joined.AsSpan(_carryLength));
            input = joined.AsSpan(0, _carryLength + chunk.Length);
        }

        try
        {
            var reader = new Utf8JsonReader(input, final, _state);
            while (reader.Read())
            {
                Observe(ref reader);
            }

            _state = reader.CurrentState;
            var rest = input[(int)reader.BytesConsumed..];
            if (rest.Length > _carry.Length)
            {
                _carry = new byte[Math.Max(rest.Length, _carry.Length * 2)];
            }

            rest.CopyTo(_carry);
            _carryLength = rest.Length;
        }
        catch (JsonException)
        {
            _failed = true;
            _carryLength = 0;
        }
        finally
        {
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    private void Observe(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName when _usageDepth >= 0 && depth == _usageDepth + 1:
                _field = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8) ? 1
                    : reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8) ? 2
                    : 0;
                break;
            case JsonTokenType.PropertyName when depth is 1 or 2 && _usageDepth < 0:
                _usageNext = reader.ValueTextEquals("usage"u8);
                _choicesNext = depth == 1 && reader.ValueTextEquals("choices"u8);
                break;
            case JsonTokenType.Number when _usageDepth >= 0 && depth == _usageDepth + 1 && _field != 0:
                if (reader.TryGetInt32(out var value))
                {
                    if (_field == 1)
                    {
                        PromptTokens = value;
                    }
                    else
                    {
                        CompletionTokens = value;
                    }
                }

                _field = 0;
                break;
            case JsonTokenType.StartObject when _usageNext:
                _usageDepth = depth;
                _usageNext = false;
                Found = true;
                break;
            case JsonTokenType.EndObject when depth == _usageDepth:
                _usageDepth = -1;
                break;
            case JsonTokenType.StartArray when _choicesNext:
                _choicesOpen = true;
                _choicesNext = false;
                break;
            case JsonTokenType.EndArray when _choicesOpen:
                // Nothing came between the array's start and its end (anything else resets the flag below).
                ChoicesEmpty = true;
                _choicesOpen = false;
                break;
            default:
                _usageNext = false;
                _choicesNext = false;
                _choicesOpen = false;
                _field = _usageDepth >= 0 && depth == _usageDepth + 1 ? 0 : _field;
                break;
        }
    }

    public void Dispose()
    {
        _carry = [];
        _carryLength = 0;
    }
}
