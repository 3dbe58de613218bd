using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MirrorGate.Bench.Gateway;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// A forwarding proxy between one gateway node and the simulator, for the round-trip count: it holds the
/// conversation POST (<c>…/f/conversation</c>) for <see cref="Delay"/> before forwarding it, and after passing its
/// response headers on, holds the body for <see cref="Delay"/> again. So every statement the node makes before
/// the first byte reaches the client ends at least one delay before it, and every statement made on the upstream
/// events (the conversation write) at least one delay after it: millisecond log timestamps then tell them apart.
/// Everything else (sentinel, conduit prepare) is forwarded untouched.
/// </summary>
internal sealed class DelayProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private long _lastAnswerEndTicks;
    private long _lastPostArrivalTicks;

    private DelayProxy(WebApplication app, HttpClient http, Uri baseUrl)
    {
        _app = app;
        _http = http;
        BaseUrl = baseUrl;
    }

    public static TimeSpan Delay { get; } = TimeSpan.FromMilliseconds(30);

    public Uri BaseUrl { get; }

    /// <summary>When the last held answer (a conversation POST's) had been passed on whole, UTC; read after a sequential request.</summary>
    public DateTime LastAnswerEnd => new(Interlocked.Read(ref _lastAnswerEndTicks), DateTimeKind.Utc);

    /// <summary>When the last conversation POST reached the proxy (before its hold), UTC.</summary>
    public DateTime LastPostArrival => new(Interlocked.Read(ref _lastPostArrivalTicks), DateTimeKind.Utc);

    public static async Task<DelayProxy> StartAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{Loopback.FreePort()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(baseUrl.ToString().TrimEnd('/'));
        var app = builder.Build();
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = upstream,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        DelayProxy? proxy = null;
        app.Run(async context =>
        {
            if (await ForwardAsync(context, http, () => Interlocked.Exchange(ref proxy!._lastPostArrivalTicks, DateTime.UtcNow.Ticks)))
            {
                Interlocked.Exchange(ref proxy!._lastAnswerEndTicks, DateTime.UtcNow.Ticks);
            }
        });
        proxy = new DelayProxy(app, http, baseUrl);
        await app.StartAsync(cancellationToken);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    /// <returns>Whether it was a held request (a conversation POST), whose answer has now been passed on whole.</returns>
    private static async Task<bool> ForwardAsync(HttpContext context, HttpClient http, Action onHeld)
    {
        var cancellationToken = context.RequestAborted;
        var held = context.Request.Method == HttpMethods.Post && (context.Request.Path.Value ?? string.Empty).EndsWith("/f/conversation", StringComparison.Ordinal);
        if (held)
        {
            onHeld();
            await Task.Delay(Delay, cancellationToken);
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, cancellationToken);
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name is "Host" or "Content-Length" or "Transfer-Encoding" or "Connection")
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name is "Transfer-Encoding" or "Connection" or "Keep-Alive")
            {
                continue;
            }

            context.Response.Headers[name] = values.ToArray();
        }

        if (held)
        {
            await context.Response.StartAsync(cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            await Task.Delay(Delay, cancellationToken);
        }

        await using var upstreamBody = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await upstreamBody.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }

        return held;
    }
}
