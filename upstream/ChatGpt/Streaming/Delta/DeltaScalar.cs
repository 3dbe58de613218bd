using System.Globalization;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>A JSON number or boolean, kept as its raw text.</summary>
internal sealed class DeltaScalar(JsonValueKind kind, string raw) : DeltaNode
{
    public JsonValueKind Kind { get; } = kind;

    public string Raw { get; } = raw;

    public bool? AsBoolean() => Kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public long? AsInt64() =>
        Kind == JsonValueKind.Number && long.TryParse(Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
