using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Reads an error body: the backend's <c>detail</c> (a string, or <c>{code, message, clears_in}</c>), OAuth's
/// <c>error</c>/<c>error_description</c> or OpenAI's <c>{"error":{message, code}}</c>. Non-JSON bodies are
/// recognised as Cloudflare challenges or quoted briefly. The body shapes are partly uncertain (research §3.12).
/// </summary>
internal static class ErrorBody
{
    public const string CloudflareChallenge = "cloudflare_challenge";
    private const int MaxQuotedChars = 200;

    public static (string? Message, string? Code, TimeSpan? ClearsIn) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return ParseJson(document.RootElement);
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body);
            if (text.Contains("cf-please-wait", StringComparison.OrdinalIgnoreCase)
                || text.Contains("Just a moment", StringComparison.OrdinalIgnoreCase)
                || text.Contains("challenge-platform", StringComparison.OrdinalIgnoreCase))
            {
                return ("Cloudflare challenge page instead of an answer.", CloudflareChallenge, null);
            }

            return (Quote(text), null, null);
        }
    }

    private static (string? Message, string? Code, TimeSpan? ClearsIn) ParseJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            if (detail.ValueKind == JsonValueKind.String)
            {
                return (detail.GetString(), null, null);
            }

            if (detail.ValueKind == JsonValueKind.Object)
            {
                return (String(detail, "message"), String(detail, "code"), Seconds(detail, "clears_in"));
            }
        }

        if (root.TryGetProperty("error", out var error))
        {
            // OAuth (RFC 6749) {"error":"invalid_grant","error_description":…} or OpenAI {"error":{message,type,code}}.
            if (error.ValueKind == JsonValueKind.String)
            {
                return (String(root, "error_description") ?? error.GetString(), error.GetString(), null);
            }

            if (error.ValueKind == JsonValueKind.Object)
            {
                return (String(error, "message"), String(error, "code") ?? String(error, "type"), null);
            }
        }

        return (String(root, "message"), String(root, "code"), null);
    }

    private static TimeSpan? Seconds(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        double seconds;
        if (value.ValueKind == JsonValueKind.Number)
        {
            seconds = value.GetDouble();
        }
        else if (value.ValueKind != JsonValueKind.String
            || !double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
        {
            return null;
        }

        return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Quote(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= MaxQuotedChars ? flat : flat[..MaxQuotedChars] + "…";
    }
}
