using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MirrorGate.Silo.Upstream.ChatGpt.Http;

/// <summary>
/// Maps a non-success response to an <see cref="UpstreamFailure"/> (research §3.12): the status picks the kind;
/// the body's <c>detail</c> (a string, or <c>{code, message, clears_in}</c>) or OAuth <c>error</c> gives the
/// message and code. Non-JSON bodies are recognised as Cloudflare challenges or quoted briefly.
/// </summary>
internal static class UpstreamFailureMapper
{
    public const string CloudflareChallenge = "cloudflare_challenge";
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxQuotedChars = 200;

    public static async Task<UpstreamFailure> MapAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadBoundedAsync(response, cancellationToken);
        var (message, code, clearsIn) = ParseBody(body);
        message ??= response.ReasonPhrase is { Length: > 0 } reason ? reason : $"HTTP {status}";
        var kind = Kind(status);
        if (kind == UpstreamFailureKind.RateLimited)
        {
            clearsIn ??= RetryAfter(response, timeProvider);
        }

        return new UpstreamFailure(kind, status, message, code, kind == UpstreamFailureKind.RateLimited ? clearsIn : null);
    }

    public static UpstreamFailureKind Kind(int status) => status switch
    {
        401 => UpstreamFailureKind.Unauthorized,
        403 => UpstreamFailureKind.Forbidden,
        404 => UpstreamFailureKind.NotFound,
        429 => UpstreamFailureKind.RateLimited,
        >= 400 and < 500 => UpstreamFailureKind.BadRequest,
        >= 500 => UpstreamFailureKind.ServerError,
        // Redirects are not followed: the backend redirects to a login page or a challenge, never to an answer.
        _ => UpstreamFailureKind.Protocol,
    };

    internal static (string? Message, string? Code, TimeSpan? ClearsIn) ParseBody(ReadOnlySpan<byte> body)
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

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }

            return buffer[..total];
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            // The status says enough; a body we cannot read only loses the detail.
            return [];
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date && date > timeProvider.GetUtcNow() ? date - timeProvider.GetUtcNow() : null;
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
