using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Http;

/// <summary>
/// Typed access to request fields that says exactly which field is wrong and why. Each method
/// returns false with <c>error</c> set when the field has the wrong type (or is missing but required).
/// </summary>
public static class JsonFields
{
    public static bool TryString(JsonObject body, string name, bool required, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            error = required ? $"Missing required parameter: '{name}'." : null;
            return !required;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = $"Invalid type for '{name}': expected a string, but got {Describe(node)}.";
            return false;
        }

        value = node.GetValue<string>();
        if (required && value.Length == 0)
        {
            error = $"Invalid value for '{name}': it must not be empty.";
            return false;
        }

        return true;
    }

    public static bool TryBool(JsonObject body, string name, out bool? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return true;
        }

        switch (node.GetValueKind())
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            default:
                error = $"Invalid type for '{name}': expected a boolean, but got {Describe(node)}.";
                return false;
        }
    }

    public static bool TryPositiveInt(JsonNode? node, string name, out int value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        error = null;
        if (node is null || node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out value))
        {
            error = $"Invalid type for '{name}': expected an integer, but got {Describe(node)}.";
            return false;
        }

        if (value <= 0)
        {
            error = $"Invalid value for '{name}': it must be greater than 0.";
            return false;
        }

        return true;
    }

    public static bool TryStringArray(JsonObject body, string name, bool required, out IReadOnlyList<string> values, [NotNullWhen(false)] out string? error)
    {
        values = [];
        error = null;
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            error = required ? $"Missing required parameter: '{name}'." : null;
            return !required;
        }

        if (node is not JsonArray array || array.Any(item => item?.GetValueKind() != JsonValueKind.String))
        {
            error = $"Invalid type for '{name}': expected an array of strings, but got {Describe(node)}.";
            return false;
        }

        values = [.. array.Select(item => item!.GetValue<string>())];
        return true;
    }

    public static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "an unknown value",
    };
}
