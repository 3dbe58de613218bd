using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>The value-level edits of the "v1" operations <c>append</c> and <c>truncate</c>.</summary>
internal static class DeltaEdits
{
    /// <summary>Appends <paramref name="value"/> to <paramref name="existing"/>; returns the node that now stands at the path.</summary>
    public static DeltaNode? Append(DeltaNode? existing, JsonElement value)
    {
        switch (existing)
        {
            case DeltaText text:
                text.Append(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                return text;
            case DeltaArray array when value.ValueKind == JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    array.Items.Add(DeltaNode.From(item));
                }

                return array;
            case DeltaArray array:
                array.Items.Add(DeltaNode.From(value));
                return array;
            case DeltaObject obj when value.ValueKind == JsonValueKind.Object:
                // Merge, so "/message/metadata" + {"finish_details":…} keeps the other metadata. Uncertain
                // (research §3.8): C2A-idx replaces the object instead; merging loses nothing either way.
                foreach (var property in value.EnumerateObject())
                {
                    obj.Properties[property.Name] = DeltaNode.From(property.Value);
                }

                return obj;
            default:
                return DeltaNode.From(value);
        }
    }

    public static void Truncate(DeltaNode? node, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var length) || length < 0)
        {
            return;
        }

        if (node is DeltaText text)
        {
            text.Truncate(length);
        }
        else if (node is DeltaArray array && length < array.Items.Count)
        {
            array.Items.RemoveRange(length, array.Items.Count - length);
        }
    }
}
