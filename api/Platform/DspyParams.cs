using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;

namespace MirrorGate.Api.Platform;

/// <summary>
/// A <c>.dspy</c> route's parameters. The original (ahserver's <c>request2ns</c>) merges query and form arguments into
/// one namespace, and research D.2 recommends JSON bodies too; here the body (form or JSON) is read first and query
/// arguments fill the names it does not give. A missing name reads as <c>null</c>, as in the original.
/// </summary>
public sealed class DspyParams
{
    private readonly JsonObject values;

    private DspyParams(JsonObject values) => this.values = values;

    public static DspyParams Empty { get; } = new([]);

    /// <summary>Reads the request; a body that cannot be read is an error message in the family's shape.</summary>
    public static async Task<(DspyParams? Params, IResult? Error)> ReadAsync(HttpContext context, FieldsReader fields)
    {
        var request = context.Request;
        JsonObject merged = [];
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var read = await fields.ReadAsync(request, context.RequestAborted);
            if (read.Body is null)
            {
                return (null, DspyResults.Error(read.Message ?? "请求数据无法读取"));
            }

            merged = read.Body;
        }

        foreach (var (name, value) in request.Query)
        {
            if (!merged.ContainsKey(name))
            {
                merged[name] = value.ToString();
            }
        }

        return (new DspyParams(merged), null);
    }

    public JsonNode? this[string name] => values[name];

    /// <summary>The value as text: a string as is, a number or boolean in its JSON spelling, absent or blank as null.</summary>
    public string? Text(string name) => values[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null,
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>An integer given as a JSON number or as text; null when absent; <paramref name="valid"/> false when present but not an integer.</summary>
    public long? Integer(string name, out bool valid)
    {
        valid = true;
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        valid = false;
        return null;
    }

    /// <summary>A decimal given as a JSON number or as text (money is never floating point).</summary>
    public decimal? Decimal(string name, out bool valid)
    {
        valid = true;
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        valid = false;
        return null;
    }

    /// <summary>The original's boolean reading (<c>True</c>, <c>"Y"</c>, <c>1</c>, <c>"1"</c>, <c>"true"</c>).</summary>
    public bool Flag(string name) => Text(name)?.ToLowerInvariant() is "true" or "y" or "yes" or "1";

    /// <summary>An object or array parameter (JSON body), or a JSON text of one (form or query).</summary>
    public JsonNode? Structured(string name)
    {
        var node = values[name];
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                return JsonNode.Parse(v.GetValue<string>());
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return node;
    }
}
