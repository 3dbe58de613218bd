using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Channels;

/// <summary>
/// The one HTTP client every channel call goes through: pooled connections, no cookies, no redirects, no
/// decompression (the gateway asks for none and relays bytes as they come). It logs nothing: no request line,
/// no header, so a key cannot reach a log through it.
/// </summary>
public sealed class ChannelHttp : IDisposable
{
    public ChannelHttp(IOptions<ChannelOptions> options)
    {
        Client = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = options.Value.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseProxy = false,
        })
        {
            // Enforced per call until the headers (ChannelOptions.ResponseTimeout); a streamed body has none.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
