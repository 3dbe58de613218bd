using System.Text.Json.Nodes;

namespace MirrorGate.Tests.Simulator;

/// <summary>A "v1" delta-stream decoder written from research §3.8: documents keyed by <c>c</c>, patches
/// applied to the latest document, bare <c>{"v":…}</c> events reusing the previous path and op (the rule
/// a decoder written from assumption gets wrong), <c>patch</c> lists applied in order, typed side events kept apart.</summary>
internal sealed class V1StreamDecoder
{
    private readonly SortedDictionary<int, JsonObject> _documents = [];
    private int _current = -1;
    private string? _path;
    private string? _op;

    public string? Encoding { get; private set; }

    public bool Done { get; private set; }

    public List<JsonObject> SideEvents { get; } = [];

    /// <summary>Every string appended to <c>/message/content/parts/0</c>, in order, wherever it appeared.</summary>
    public List<string> TextDeltas { get; } = [];

    public JsonObject Document(int c) => _documents[c];

    public JsonObject Assistant => (JsonObject)_documents[2]["message"]!;

    public static V1StreamDecoder Decode(IEnumerable<SseEvent> events)
    {
        var decoder = new V1StreamDecoder();
        foreach (var e in events)
        {
            decoder.Apply(e);
        }

        return decoder;
    }

    public void Apply(SseEvent e)
    {
        if (e.Data == "[DONE]")
        {
            Done = true;
            return;
        }

        var node = JsonNode.Parse(e.Data);
        if (e.Name == "delta_encoding")
        {
            Encoding = node!.GetValue<string>();
            return;
        }

        var obj = (JsonObject)node!;
        if (obj.ContainsKey("type"))
        {
            SideEvents.Add(obj);
            return;
        }

        if (obj["v"] is JsonObject v && v.ContainsKey("message") && obj.ContainsKey("c"))
        {
            _current = obj["c"]!.GetValue<int>();
            _documents[_current] = (JsonObject)v.DeepClone();
            return;
        }

        var path = obj["p"]?.GetValue<string>() ?? _path;
        var op = obj["o"]?.GetValue<string>() ?? _op;
        _path = path;
        _op = op;
        if (op == "patch")
        {
            foreach (var sub in obj["v"]!.AsArray())
            {
                Patch(sub!["p"]!.GetValue<string>(), sub["o"]!.GetValue<string>(), sub["v"]);
            }
        }
        else
        {
            Patch(path!, op!, obj["v"]);
        }
    }

    private void Patch(string path, string op, JsonNode? value)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode parent = _documents[_current];
        foreach (var segment in segments[..^1])
        {
            parent = parent is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)]! : parent[segment]!;
        }

        var last = segments[^1];
        var existing = parent is JsonArray list ? list[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] : parent[last];
        var replacement = op switch
        {
            "append" when existing is JsonValue text && value is JsonValue more =>
                JsonValue.Create(text.GetValue<string>() + more.GetValue<string>()),
            "append" when existing is JsonObject target && value is JsonObject merge => Merge(target, merge),
            "append" when existing is JsonArray items => Push(items, value),
            "replace" or "add" => value?.DeepClone(),
            _ => throw new InvalidOperationException($"unsupported {op} on {path}"),
        };
        if (op == "append" && path == "/message/content/parts/0")
        {
            TextDeltas.Add(value!.GetValue<string>());
        }

        if (parent is JsonArray array2)
        {
            array2[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = replacement;
        }
        else
        {
            parent[last] = replacement;
        }
    }

    private static JsonObject Merge(JsonObject target, JsonObject merge)
    {
        var result = (JsonObject)target.DeepClone();
        foreach (var (key, value) in merge)
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static JsonArray Push(JsonArray items, JsonNode? value)
    {
        var result = (JsonArray)items.DeepClone();
        result.Add(value?.DeepClone());
        return result;
    }
}
