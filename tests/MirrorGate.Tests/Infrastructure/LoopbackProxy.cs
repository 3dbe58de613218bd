using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A plain-HTTP forward proxy on loopback for tests: it takes absolute-form requests
/// (<c>POST http://127.0.0.1:port/path</c>), forwards them, streams the answer back, and counts them.
/// Like a real proxy it challenges requests without credentials (407), and records the ones it gets.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Proxy-Connection", "Proxy-Authorization", "Connection", "Transfer-Encoding", "Keep-Alive" };
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false });
    private int _requests;

    private LoopbackProxy(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First());

    /// <summary>Requests forwarded (challenges not counted).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Proxy-Authorization header values of the requests forwarded.</summary>
    public List<string> Credentials { get; } = [];

    /// <summary>The method and path of each request forwarded, e.g. <c>POST /oauth/token</c>.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Forwarded { get; } = new();

    public static async Task<LoopbackProxy> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new LoopbackProxy(app);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        if (context.Request.Headers.ProxyAuthorization.ToString() is not { Length: > 0 } credentials)
        {
            context.Response.StatusCode = StatusCodes.Status407ProxyAuthenticationRequired;
            context.Response.Headers.ProxyAuthenticate = "Basic realm=\"loopback\"";
            return;
        }

        Interlocked.Increment(ref _requests);
        Forwarded.Enqueue($"{context.Request.Method} {context.Request.Path}");
        lock (Credentials)
        {
            Credentials.Add(credentials);
        }

        var target = new Uri($"http://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}");
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!HopHeaders.Contains(name) && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await _forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}
