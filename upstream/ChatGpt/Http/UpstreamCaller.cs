using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Sends one upstream request and turns every expected outcome into an <see cref="UpstreamResult{T}"/>: a
/// non-success status through <see cref="UpstreamFailureMapper"/>, no response (connect failure, proxy failure,
/// <see cref="ChatGptOptions.RequestTimeout"/>) as <see cref="UpstreamFailureKind.Network"/>, an unreadable
/// success body as <see cref="UpstreamFailureKind.Protocol"/>. Only the caller's own cancellation throws.
/// </summary>
internal sealed class UpstreamCaller(IUpstreamHttpClients clients, ChatGptOptions options, TimeProvider timeProvider, ILogger logger)
{
    public TimeProvider TimeProvider => timeProvider;

    public ILogger Logger => logger;

    /// <summary>Sends, then parses a JSON success body with <paramref name="parse"/> (which may itself return a failure).</summary>
    public async Task<UpstreamResult<T>> SendJsonAsync<T>(
        HttpRequestMessage request,
        string? proxyUrl,
        string logId,
        Func<JsonElement, HttpResponseMessage, UpstreamResult<T>> parse,
        CancellationToken cancellationToken)
    {
        using (request)
        {
            var started = timeProvider.GetTimestamp();
            using var timeout = new CancellationTokenSource(options.RequestTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var sent = await SendAsync(request, proxyUrl, logId, started, linked.Token, cancellationToken);
            if (!sent.IsSuccess)
            {
                return UpstreamResult<T>.Fail(sent.Failure);
            }

            using var response = sent.Value;
            var endpoint = request.RequestUri!.AbsolutePath;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
                using var document = await JsonDocument.ParseAsync(body, default, linked.Token);
                return parse(document.RootElement, response);
            }
            catch (JsonException exception)
            {
                ChatGptLog.ProtocolError(logger, logId, endpoint, (int)response.StatusCode, exception.Message);
                return UpstreamResult<T>.Fail(new UpstreamFailure(
                    UpstreamFailureKind.Protocol, (int)response.StatusCode, $"The upstream's answer to {endpoint} is not the JSON expected."));
            }
            catch (Exception exception) when (IsNoResponse(exception, cancellationToken))
            {
                return UpstreamResult<T>.Fail(NoResponse(request, logId, started, exception));
            }
        }
    }

    /// <summary>Sends a streaming request; on success returns the response with its body unread (the caller owns it).</summary>
    public async Task<UpstreamResult<HttpResponseMessage>> SendForStreamAsync(
        HttpRequestMessage request,
        string? proxyUrl,
        string logId,
        CancellationToken cancellationToken)
    {
        using (request)
        {
            var started = timeProvider.GetTimestamp();
            // The timeout covers the time to headers only: HttpClient stops observing this token once it returns.
            using var timeout = new CancellationTokenSource(options.RequestTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var sent = await SendAsync(request, proxyUrl, logId, started, linked.Token, cancellationToken);
            // The 2024 backend could answer {"wss_url",…} instead of SSE (research §3.3, force_use_sse), and a
            // challenge page may come with a 200; neither is a stream, and nothing has reached the caller yet.
            if (sent.IsSuccess && sent.Value.Content.Headers.ContentType?.MediaType is "application/json" or "text/html")
            {
                var mediaType = sent.Value.Content.Headers.ContentType!.MediaType;
                sent.Value.Dispose();
                return UpstreamResult<HttpResponseMessage>.Fail(new UpstreamFailure(
                    UpstreamFailureKind.Protocol, (int)sent.Value.StatusCode, $"The upstream answered {mediaType} instead of an event stream."));
            }

            return sent;
        }
    }

    private async Task<UpstreamResult<HttpResponseMessage>> SendAsync(
        HttpRequestMessage request,
        string? proxyUrl,
        string logId,
        long started,
        CancellationToken linkedToken,
        CancellationToken callerToken)
    {
        var method = request.Method.Method;
        var endpoint = request.RequestUri!.AbsolutePath;
        HttpResponseMessage response;
        try
        {
            var client = clients.Get(proxyUrl);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linkedToken);
        }
        catch (UriFormatException exception)
        {
            ChatGptLog.CallUnanswered(logger, logId, method, endpoint, Elapsed(started), "invalid proxy URL");
            return UpstreamResult<HttpResponseMessage>.Fail(new UpstreamFailure(
                UpstreamFailureKind.Network, null, "The account's proxy URL is not valid: " + exception.Message, "invalid_proxy"));
        }
        catch (Exception exception) when (IsNoResponse(exception, callerToken))
        {
            return UpstreamResult<HttpResponseMessage>.Fail(NoResponse(request, logId, started, exception));
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            ChatGptLog.CallSucceeded(logger, logId, method, endpoint, status, Elapsed(started));
            return UpstreamResult<HttpResponseMessage>.Ok(response);
        }

        using (response)
        {
            var failure = await UpstreamFailureMapper.MapAsync(response, timeProvider, linkedToken);
            ChatGptLog.CallFailed(logger, logId, method, endpoint, status, failure.Kind, failure.Code, Elapsed(started));
            return UpstreamResult<HttpResponseMessage>.Fail(failure);
        }
    }

    private UpstreamFailure NoResponse(HttpRequestMessage request, string logId, long started, Exception exception)
    {
        var reason = exception switch
        {
            OperationCanceledException => $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s",
            HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => http.HttpRequestError.ToString(),
            _ => exception.GetType().Name,
        };
        ChatGptLog.CallUnanswered(logger, logId, request.Method.Method, request.RequestUri!.AbsolutePath, Elapsed(started), reason);
        return new UpstreamFailure(UpstreamFailureKind.Network, null, "The upstream did not answer: " + reason);
    }

    /// <summary>Connect, proxy, TLS and read failures, and our own timeout; not the caller's cancellation.</summary>
    private static bool IsNoResponse(Exception exception, CancellationToken callerToken) =>
        exception is HttpRequestException or IOException
        || (exception is OperationCanceledException && !callerToken.IsCancellationRequested);

    private double Elapsed(long started) => timeProvider.GetElapsedTime(started).TotalMilliseconds;
}
