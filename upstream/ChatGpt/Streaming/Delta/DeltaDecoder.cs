using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>
/// Applies "v1" delta events to the current document (research §3.8):
/// an event whose <c>v</c> is an object holding <c>message</c> (bare, with a <c>c</c> counter, or as
/// <c>{"p":"","o":"add"}</c>) starts a new document; any other event patches the current one; and an event
/// that omits <c>p</c> and/or <c>o</c> reuses the last ones given (the "sticky" rule: a bare <c>{"v":"…"}</c>
/// appends to wherever the previous append went). New-document events do not change the sticky path/op,
/// and the sub-operations of a <c>patch</c> list do not either, as in C2A-idx's decoder.
/// </summary>
internal sealed class DeltaDecoder
{
    private string? _stickyPath;
    private string[] _stickyTokens = [];
    private string? _stickyOperation;

    public DeltaDocument Document { get; } = new();

    /// <summary>The last <c>c</c> document counter seen (0 system, 1 user echo, 2 assistant, 3+ later messages).</summary>
    public long? Counter { get; private set; }

    /// <summary>Applies one delta event; returns true when it started a new document.</summary>
    public bool Apply(JsonElement delta)
    {
        var hasValue = delta.TryGetProperty("v", out var value);
        var path = delta.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var operation = delta.TryGetProperty("o", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        var hasCounter = delta.TryGetProperty("c", out var c) && c.ValueKind == JsonValueKind.Number;
        if (hasCounter && c.TryGetInt64(out var counter))
        {
            Counter = counter;
        }

        if (hasValue && IsNewDocument(value, path, operation, hasCounter))
        {
            Document.Reset(DeltaObject.From(value));
            return true;
        }

        if (path is not null && !string.Equals(path, _stickyPath, StringComparison.Ordinal))
        {
            _stickyPath = path;
            _stickyTokens = DeltaPointer.Parse(path);
        }

        if (operation is not null)
        {
            _stickyOperation = operation;
        }

        if (_stickyPath is null || _stickyOperation is null)
        {
            // A bare value before any path/op was given has nothing to reuse.
            return false;
        }

        Document.Apply(_stickyTokens, _stickyOperation, value);
        return false;
    }

    private static bool IsNewDocument(JsonElement value, string? path, string? operation, bool hasCounter)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (path is null && operation is null)
        {
            return hasCounter || value.TryGetProperty("message", out _);
        }

        return path is "" && operation is "add" or "replace" && value.TryGetProperty("message", out _);
    }
}
