using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>A JSON object of a "v1" document.</summary>
internal sealed class DeltaObject : DeltaNode
{
    public Dictionary<string, DeltaNode?> Properties { get; } = new(StringComparer.Ordinal);

    public static new DeltaObject From(JsonElement element)
    {
        var node = new DeltaObject();
        foreach (var property in element.EnumerateObject())
        {
            node.Properties[property.Name] = DeltaNode.From(property.Value);
        }

        return node;
    }

    public DeltaNode? Get(string name) => Properties.TryGetValue(name, out var value) ? value : null;

    public DeltaObject? GetObject(string name) => Get(name) as DeltaObject;

    public string? GetString(string name) => (Get(name) as DeltaText)?.Value;

    /// <summary>True, false, or <see langword="null"/> when absent or not a boolean.</summary>
    public bool? GetBoolean(string name) => Get(name) is DeltaScalar scalar ? scalar.AsBoolean() : null;
}
