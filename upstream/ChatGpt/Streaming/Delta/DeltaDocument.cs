using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>
/// The current "v1" document and the patch operations of research §3.8: <c>append</c> (string concat, array push
/// or concat, object merge), <c>replace</c>/<c>add</c>/<c>remove</c> with JSON-Pointer semantics, <c>truncate</c>,
/// and <c>patch</c> (a list of sub-operations relative to its path). Operations on paths that do not exist create
/// the missing objects (add/replace/append/patch) or do nothing (remove/truncate), as the Python decoders do.
/// </summary>
internal sealed class DeltaDocument
{
    public DeltaNode? Root { get; private set; }

    public void Reset(DeltaNode? root) => Root = root;

    public void Apply(ReadOnlySpan<string> path, string operation, JsonElement value)
    {
        if (path.IsEmpty)
        {
            ApplyToRoot(operation, value);
            return;
        }

        var creates = operation is "add" or "replace" or "append" or "patch";
        if (Root is null && creates)
        {
            Root = new DeltaObject();
        }

        var parent = Navigate(Root, path[..^1], creates);
        var key = path[^1];
        if (parent is DeltaObject obj)
        {
            ApplyToProperty(obj, key, operation, value, path);
        }
        else if (parent is DeltaArray array && DeltaPointer.TryIndex(key, array.Items.Count, out var index))
        {
            ApplyToItem(array, index, operation, value, path);
        }
    }

    private void ApplyToRoot(string operation, JsonElement value)
    {
        switch (operation)
        {
            case "add" or "replace":
                Root = DeltaNode.From(value);
                break;
            case "append":
                Root = DeltaEdits.Append(Root, value);
                break;
            case "remove":
                Root = null;
                break;
            case "truncate":
                DeltaEdits.Truncate(Root, value);
                break;
            case "patch":
                ApplyList([], value);
                break;
        }
    }

    private void ApplyToProperty(DeltaObject obj, string key, string operation, JsonElement value, ReadOnlySpan<string> path)
    {
        switch (operation)
        {
            case "add" or "replace":
                obj.Properties[key] = DeltaNode.From(value);
                break;
            case "remove":
                obj.Properties.Remove(key);
                break;
            case "append":
                obj.Properties[key] = DeltaEdits.Append(obj.Get(key), value);
                break;
            case "truncate":
                DeltaEdits.Truncate(obj.Get(key), value);
                break;
            case "patch":
                ApplyList(path, value);
                break;
        }
    }

    private void ApplyToItem(DeltaArray array, int index, string operation, JsonElement value, ReadOnlySpan<string> path)
    {
        var items = array.Items;
        switch (operation)
        {
            case "add" when index <= items.Count:
                items.Insert(index, DeltaNode.From(value));
                break;
            case "replace" or "append" when index == items.Count:
                items.Add(DeltaNode.From(value));
                break;
            case "replace" when index < items.Count:
                items[index] = DeltaNode.From(value);
                break;
            case "remove" when index < items.Count:
                items.RemoveAt(index);
                break;
            case "append" when index < items.Count:
                items[index] = DeltaEdits.Append(items[index], value);
                break;
            case "truncate" when index < items.Count:
                DeltaEdits.Truncate(items[index], value);
                break;
            case "patch" when index < items.Count:
                ApplyList(path, value);
                break;
        }
    }

    private void ApplyList(ReadOnlySpan<string> basePath, JsonElement operations)
    {
        if (operations.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var item in operations.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("o", out var op) || op.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var subPath = item.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String
                ? DeltaPointer.Parse(p.GetString()!)
                : [];
            item.TryGetProperty("v", out var subValue);
            Apply(basePath.IsEmpty ? subPath : [.. basePath, .. subPath], op.GetString()!, subValue);
        }
    }

    private static DeltaNode? Navigate(DeltaNode? node, ReadOnlySpan<string> path, bool create)
    {
        foreach (var token in path)
        {
            DeltaNode? child;
            switch (node)
            {
                case DeltaObject obj:
                    child = obj.Get(token);
                    if (child is null && create)
                    {
                        child = new DeltaObject();
                        obj.Properties[token] = child;
                    }

                    break;
                case DeltaArray array when DeltaPointer.TryIndex(token, array.Items.Count, out var index) && index < array.Items.Count:
                    child = array.Items[index];
                    if (child is null && create)
                    {
                        child = new DeltaObject();
                        array.Items[index] = child;
                    }

                    break;
                default:
                    return null;
            }

            node = child;
        }

        return node;
    }
}
