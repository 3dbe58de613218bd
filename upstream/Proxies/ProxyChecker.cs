using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// Probes pool proxies: a GET of <see cref="ProxyOptions.ProbeUrl"/> through the proxy on a connection of its own
/// (a fresh handler per probe, so a pooled tunnel cannot hide a proxy that no longer accepts connections). Any
/// answer from the target counts as healthy, except 407 (the proxy refused its credentials) and 502/503/504
/// (what proxies answer when they cannot reach the target). A 403 counts as reachable: Cloudflare may answer a
/// plain client 403 at the root even from a good address, and whether an address is challenged shows in real calls.
/// Results are published to the <see cref="ProxyPool"/>.
/// </summary>
public sealed partial class ProxyChecker(ProxyPool pool, IOptionsMonitor<ProxyOptions> options, IOptions<ChatGptOptions> chatGpt, TimeProvider time, ILogger<ProxyChecker> logger)
{
    /// <summary>Probes <paramref name="endpoints"/> (all pool proxies when null) in parallel and publishes the results.</summary>
    public async Task<ImmutableArray<ProxyHealth>> CheckAsync(IEnumerable<ProxyEndpoint>? endpoints, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll((endpoints ?? pool.Endpoints).Select(e => ProbeAsync(e, cancellationToken)));
        pool.Publish(results);
        return [.. results];
    }

    private async Task<ProxyHealth> ProbeAsync(ProxyEndpoint endpoint, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var target = settings.ProbeUrl ?? chatGpt.Value.BackendBaseUrl;
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var handler = new SocketsHttpHandler
        {
            Proxy = ProxyEndpoint.CreateWebProxy(endpoint.Url),
            UseProxy = true,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        string? error;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.UserAgent.ParseAdd(chatGpt.Value.UserAgent);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            error = status is 407 or 502 or 503 or 504 ? $"answered {status}" : null;
        }
        catch (HttpRequestException exception)
        {
            // The message may quote the proxy's address; the error kind and status never carry credentials.
            error = exception.StatusCode is { } status ? $"{exception.HttpRequestError} ({(int)status})" : exception.HttpRequestError.ToString();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {settings.ProbeTimeout.TotalSeconds:0.#} s";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Anything else (a proxy the handler cannot use, a broken stream) is this proxy's failure, never the
            // monitor's: an exception escaping a background service stops the host. The type only, not the message.
            error = exception.GetType().Name;
        }

        var latency = Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 1);
        if (error is not null)
        {
            LogProbeFailed(logger, endpoint.Scheme, endpoint.Authority, error, latency);
        }

        return new ProxyHealth(endpoint, error is null, latency, error, time.GetUtcNow());
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Warning, Message = "Proxy {Scheme}://{Authority} failed its probe: {Error} after {LatencyMs} ms")]
    private static partial void LogProbeFailed(ILogger logger, string scheme, string authority, string error, double latencyMs);
}
