using System.Globalization;

namespace MirrorGate.Api.Http;

/// <summary>The <c>Retry-After</c> header in whole seconds (at least 1), as HTTP wants it.</summary>
public static class RetryAfter
{
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
