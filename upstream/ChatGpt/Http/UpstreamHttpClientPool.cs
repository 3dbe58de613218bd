using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.Proxies;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// One <see cref="HttpClient"/> and <see cref="SocketsHttpHandler"/> per proxy URL, created on first use and kept
/// for the process: connections are pooled per proxy, and <c>PooledConnectionLifetime</c> keeps DNS fresh.
/// Cookies are off (each account's cookies are sent explicitly) and redirects are not followed (a redirect from
/// the backend means a login page or a challenge, which the caller must see).
/// </summary>
internal sealed class UpstreamHttpClientPool(IOptions<ChatGptOptions> options) : IUpstreamHttpClients, IDisposable
{
    private const string DirectKey = "";
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _clients = new(StringComparer.Ordinal);
    private readonly ChatGptOptions _options = options.Value;

    public HttpClient Get(string? proxyUrl)
    {
        var key = string.IsNullOrWhiteSpace(proxyUrl) ? DirectKey : proxyUrl;
        if (_clients.TryGetValue(key, out var existing))
        {
            return existing.Value;
        }

        // Validate before caching, so a bad URL fails every time instead of poisoning the cache with a Lazy that throws.
        var proxy = key.Length == 0 ? null : CreateProxy(key);
        return _clients.GetOrAdd(key, _ => new Lazy<HttpClient>(() => Create(proxy))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        _clients.Clear();
    }

    private HttpClient Create(WebProxy? proxy)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseProxy = proxy is not null,
            Proxy = proxy,
        };

        // Timeouts are enforced per call (RequestTimeout until the headers); the stream body has none.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Schemes http, https, socks4, socks4a, socks5 and socks5h (the last sent as socks5; see <see cref="ProxyEndpoint.CreateWebProxy"/>).</summary>
    private static WebProxy CreateProxy(string proxyUrl) => ProxyEndpoint.CreateWebProxy(proxyUrl);
}
