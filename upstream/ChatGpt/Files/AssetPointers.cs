using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>
/// Finds the image results of an image-tool turn (research §6.2). In a stream the pointers are found in the raw event
/// text, as BK finds them (the tool message's shape differs between eras and stream encodings); in a conversation read
/// back with <c>GET /backend-api/conversation/{id}</c>, in the parts of messages written by a tool (BK's filter:
/// <c>author.role == "tool"</c>, <c>multimodal_text</c>). BK's pseudo id <c>file_upload</c> is no result.
/// </summary>
public static partial class AssetPointers
{
    public const string FileServiceScheme = "file-service://";
    public const string SedimentScheme = "sediment://";

    /// <summary>Every asset pointer in <paramref name="text"/>, in order of appearance.</summary>
    public static IEnumerable<string> InText(string text) =>
        PointerPattern().Matches(text).Select(m => m.Value).Where(p => !p.EndsWith("://file_upload", StringComparison.Ordinal));

    /// <summary>The asset pointers of tool messages in a conversation's <c>mapping</c>, oldest message first.</summary>
    public static IReadOnlyList<string> InConversation(JsonObject conversation)
    {
        if (conversation["mapping"] is not JsonObject mapping)
        {
            return [];
        }

        var found = new List<(double Time, string Pointer)>();
        foreach (var (_, node) in mapping)
        {
            if (node?["message"] is not JsonObject message || Text(message["author"]?["role"]) != "tool"
                || message["content"]?["parts"] is not JsonArray parts)
            {
                continue;
            }

            var time = message["create_time"] is JsonValue t && t.TryGetValue<double>(out var seconds) ? seconds : 0;
            foreach (var part in parts.OfType<JsonObject>())
            {
                if (Text(part["asset_pointer"]) is { } pointer && InText(pointer).Any())
                {
                    found.Add((time, pointer));
                }
            }
        }

        return [.. found.OrderBy(f => f.Time).Select(f => f.Pointer).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Splits a pointer into its scheme and file id; false for anything else.</summary>
    public static bool TryParse(string pointer, out string scheme, out string fileId)
    {
        var match = PointerPattern().Match(pointer);
        scheme = fileId = string.Empty;
        if (!match.Success || match.Index != 0 || match.Length != pointer.Length)
        {
            return false;
        }

        scheme = match.Groups["scheme"].Value + "://";
        fileId = match.Groups["id"].Value;
        return true;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(@"(?<scheme>file-service|sediment)://(?<id>file[-_][A-Za-z0-9_-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex PointerPattern();
}
