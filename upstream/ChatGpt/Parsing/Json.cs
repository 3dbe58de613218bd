using System.Globalization;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Parsing;

/// <summary>Tolerant readers of upstream JSON: a missing or mistyped field reads as absent.</summary>
internal static class Json
{
    public static JsonElement Property(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    public static string? String(JsonElement parent, string name)
    {
        var value = Property(parent, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>A non-empty string, or <see langword="null"/>.</summary>
    public static string? NonEmpty(JsonElement parent, string name) => String(parent, name) is { Length: > 0 } text ? text : null;

    public static bool Boolean(JsonElement parent, string name) => Property(parent, name).ValueKind == JsonValueKind.True;

    public static double? Number(JsonElement parent, string name)
    {
        var value = Property(parent, name);
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    public static DateTimeOffset? Timestamp(JsonElement parent, string name) =>
        DateTimeOffset.TryParse(String(parent, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;

    public static UpstreamFailure Protocol(int status, string message) => new(UpstreamFailureKind.Protocol, status, message);
}
