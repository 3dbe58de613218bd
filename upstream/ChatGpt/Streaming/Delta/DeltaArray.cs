using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>A JSON array of a "v1" document.</summary>
internal sealed class DeltaArray : DeltaNode
{
    public List<DeltaNode?> Items { get; } = [];

    public static new DeltaArray From(JsonElement element)
    {
        var node = new DeltaArray();
        foreach (var item in element.EnumerateArray())
        {
            node.Items.Add(DeltaNode.From(item));
        }

        return node;
    }
}
