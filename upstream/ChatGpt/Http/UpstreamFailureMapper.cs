namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Maps a non-success response to an <see cref="UpstreamFailure"/> (research §3.12): the status picks the kind,
/// the body (<see cref="ErrorBody"/>) gives the message and code, and a 429 says when it clears.
/// </summary>
internal static class UpstreamFailureMapper
{
    private const int MaxBodyBytes = 16 * 1024;

    public static async Task<UpstreamFailure> MapAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadBoundedAsync(response, cancellationToken);
        var (message, code, clearsIn) = ErrorBody.Parse(body);
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
}
