using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Audit;

/// <summary>
/// A short, secret-free account of a change's request body for the audit log. Fields named like a secret (password,
/// token, key, secret, authorization, cookie, credential, proxy) are replaced by <c>***</c> whatever they hold; an
/// activation code (a credential its user types in) keeps only its last four characters; long strings are cut. A body
/// that is not JSON or form fields is described by its type and size only, never copied.
/// </summary>
public static class AuditSummary
{
    public const int MaxLength = 600;
    private const int MaxValue = 60;

    private static readonly string[] SecretNameParts = ["password", "token", "secret", "key", "authorization", "cookie", "credential", "proxy", "session"];
    private static readonly string[] CodeNames = ["code", "activation_code", "codes"];

    /// <summary>Whether a field of this name may hold a secret, so its value is never recorded.</summary>
    public static bool IsSecretName(string name)
    {
        var lower = name.ToLowerInvariant();
        return SecretNameParts.Any(part => lower.Contains(part, StringComparison.Ordinal));
    }

    public static string OfJson(JsonNode? body) => Cut(Redacted(body, null)?.ToJsonString(JsonOptions) ?? "(empty body)");

    public static string OfForm(IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Name, string FileName, long Length)> files)
    {
        var json = new JsonObject();
        foreach (var (name, value) in fields)
        {
            json[name] = Redacted(JsonValue.Create(value), name);
        }

        foreach (var (name, fileName, length) in files)
        {
            // A file's contents (a token file, say) are never recorded: only that it came, and how big it was.
            json[name] = $"(file {Cut(fileName, MaxValue)}, {length} bytes)";
        }

        return OfJson(json);
    }

    public static string OfOther(string? contentType, long? length) => $"({contentType ?? "no content type"}, {length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} bytes, not recorded)";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonNode? Redacted(JsonNode? node, string? name)
    {
        if (name is not null && IsSecretName(name))
        {
            return "***";
        }

        var isCode = name is not null && CodeNames.Contains(name.ToLowerInvariant());
        return node switch
        {
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Redacted(p.Value, p.Key)))),
            JsonArray array => new JsonArray([.. array.Select(item => Redacted(item, isCode ? name : null))]),
            JsonValue value when value.TryGetValue<string>(out var text) => isCode ? Masked(text) : Cut(text, MaxValue),
            null => null,
            _ => node.DeepClone(),
        };
    }

    /// <summary>The last four characters of a credential, enough to tell which one without being able to use it.</summary>
    public static string Masked(string value) => value.Length <= 4 ? "***" : "…" + value[^4..];

    private static string Cut(string text, int max = MaxLength)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var builder = new StringBuilder(text, 0, max - 1, max);
        builder.Append('…');
        return builder.ToString();
    }
}
