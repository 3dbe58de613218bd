using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>
/// A mutable JSON tree for the "v1" documents. System.Text.Json's nodes hold immutable strings, which would make
/// every <c>append</c> to the answer text copy the whole text (quadratic per answer); here text is a builder.
/// JSON null is represented by a C# <see langword="null"/> node.
/// </summary>
internal abstract class DeltaNode
{
    public static DeltaNode? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => DeltaObject.From(element),
        JsonValueKind.Array => DeltaArray.From(element),
        JsonValueKind.String => new DeltaText(element.GetString()!),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => new DeltaScalar(element.ValueKind, element.GetRawText()),
    };
}
