using System.Globalization;
using System.Net.Http.Headers;

namespace MirrorGate.Api.Channels;

/// <summary>
/// How long an OpenAI-compatible upstream's 429 asks to wait. <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or an
/// HTTP date) when given; else the <c>x-ratelimit-reset-requests</c> / <c>x-ratelimit-reset-tokens</c> of the limit that
/// is used up (its <c>x-ratelimit-remaining-*</c> is 0), the later of the two when both are or when neither says;
/// null when the answer names no time at all (the pool's default cool-down applies).
/// </summary>
public static class RateLimitReset
{
    public static TimeSpan? From(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (First(headers, "retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        var requests = ParseDuration(First(headers, "x-ratelimit-reset-requests"));
        var tokens = ParseDuration(First(headers, "x-ratelimit-reset-tokens"));
        var requestsOut = First(headers, "x-ratelimit-remaining-requests") == "0";
        var tokensOut = First(headers, "x-ratelimit-remaining-tokens") == "0";
        return (requestsOut, tokensOut) switch
        {
            (true, false) when requests is not null => requests,
            (false, true) when tokens is not null => tokens,
            _ => Later(requests, tokens),
        };
    }

    /// <summary>
    /// A duration as OpenAI writes its reset headers (Go's notation: <c>1s</c>, <c>6m0s</c>, <c>120ms</c>,
    /// <c>1h2m3.5s</c>, <c>20us</c>), or a bare number of seconds; null when it is neither.
    /// </summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.AsSpan().Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            return bare >= 0 ? TimeSpan.FromSeconds(bare) : null;
        }

        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            double? factor = s[unitStart..i] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                "ms" => 1,
                "us" or "µs" => 0.001,
                "ns" => 0.000_001,
                _ => null,
            };
            if (factor is null)
            {
                return null;
            }

            totalMs += number * factor.Value;
        }

        return TimeSpan.FromMilliseconds(totalMs);
    }

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static TimeSpan? Later(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
