using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A loopback reverse proxy to put between the gateway and the simulator (as <c>ChatGpt:BackendBaseUrl</c>)
/// when a test must see what the gateway sent upstream and what came back, e.g. the id of a
/// temporary conversation, which the gateway deliberately does not return. Conversation POSTs are
/// recorded as they arrive and their answers as they pass, before the gateway sees each piece.
/// </summary>
public sealed partial class UpstreamRecorder : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade", "Proxy-Connection",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly ConcurrentQueue<RecordedConversation> _conversations = new();
    private Uri? _target;

    private UpstreamRecorder(WebApplication app) => _app = app;

    /// <summary>Where the gateway should send upstream calls.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where calls are forwarded (the simulator); until set, every call gets 503.</summary>
    public Uri? Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }

    /// <summary>Every conversation POST (legacy and <c>f/</c>) so far, in arrival order.</summary>
    public IReadOnlyList<RecordedConversation> Conversations => [.. _conversations];

    public static async Task<UpstreamRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var recorder = new UpstreamRecorder(app);
        app.Run(recorder.ForwardAsync);
        await app.StartAsync();
        recorder.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forward.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        if (Target is not { } target)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var cancellationToken = context.RequestAborted;
        using var requestBody = new MemoryStream();
        await context.Request.Body.CopyToAsync(requestBody, cancellationToken);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path.Value + context.Request.QueryString.Value));
        if (requestBody.Length > 0)
        {
            request.Content = new ByteArrayContent(requestBody.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!HopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        RecordedConversation? record = null;
        var path = context.Request.Path.Value ?? string.Empty;
        if (HttpMethods.IsPost(context.Request.Method) && (path.EndsWith("/f/conversation", StringComparison.Ordinal) || path.EndsWith("/backend-api/conversation", StringComparison.Ordinal)))
        {
            record = new RecordedConversation(path, JsonNode.Parse(requestBody.ToArray())!.AsObject());
            _conversations.Enqueue(record);
        }

        using var response = await _forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await using var upstream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[8192];
        int read;
        while ((read = await upstream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            record?.Append(buffer.AsSpan(0, read));
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
    }

    [GeneratedRegex("\"conversation_id\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex ConversationIdPattern();

    /// <summary>One conversation POST: the body the gateway sent and the answer so far.</summary>
    public sealed class RecordedConversation(string path, JsonObject body)
    {
        private readonly Lock _lock = new();
        private readonly MemoryStream _answer = new();

        public string Path { get; } = path;

        public JsonObject Body { get; } = body;

        public string Answer
        {
            get
            {
                lock (_lock)
                {
                    return Encoding.UTF8.GetString(_answer.GetBuffer(), 0, (int)_answer.Length);
                }
            }
        }

        /// <summary>The conversation id the upstream announced in its answer.</summary>
        public string? ConversationId => ConversationIdPattern().Match(Answer) is { Success: true } match ? match.Groups[1].Value : null;

        internal void Append(ReadOnlySpan<byte> bytes)
        {
            lock (_lock)
            {
                _answer.Write(bytes);
            }
        }
    }
}
