using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// An operator's hook server for the tests: Kestrel on 127.0.0.1, one programmable answer per path (status, JSON or
/// raw body, headers, a gate to hold the answer until the test opens it), and a record of every call (headers, body,
/// form fields) as it arrives and of the status it was answered with. Unprogrammed paths answer 200 <c>{}</c>.
/// </summary>
public sealed class HookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HookCall, Task<HookAnswer>>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<HookCall> _calls = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _sequence;

    private HookServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<HookServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new HookServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>The URL of <paramref name="path"/> on this server (<c>http://127.0.0.1:port/path</c>).</summary>
    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    /// <summary>How <paramref name="path"/> answers from now on.</summary>
    public void On(string path, Func<HookCall, Task<HookAnswer>> handler) => _handlers[path] = handler;

    public void On(string path, HookAnswer answer) => On(path, _ => Task.FromResult(answer));

    /// <summary>Every call to <paramref name="path"/> so far, in arrival order (before it is answered).</summary>
    public IReadOnlyList<HookCall> Calls(string path) => [.. _calls.Where(c => c.Path == path)];

    public async ValueTask DisposeAsync()
    {
        // Held answers must not keep the server from stopping.
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = string.Empty;
        if (request.HasFormContentType)
        {
            foreach (var (name, value) in await request.ReadFormAsync(context.RequestAborted))
            {
                form[name] = value.ToString();
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var call = new HookCall(request.Path.Value ?? "/", Interlocked.Increment(ref _sequence), headers, body, form);
        _calls.Enqueue(call);
        var answer = _handlers.TryGetValue(call.Path, out var handler) ? await handler(call) : new HookAnswer();
        if (answer.Gate is { } gate)
        {
            await gate.WaitAsync(_stopping.Token);
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (answer.Text is { } text)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text, context.RequestAborted);
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(answer.Json ?? new { }), context.RequestAborted);
        }

        await context.Response.CompleteAsync();
        call.AnsweredWith = answer.Status;
    }
}

/// <summary>One call a hook received.</summary>
public sealed record HookCall(string Path, int Sequence, IReadOnlyDictionary<string, string> Headers, string Body, IReadOnlyDictionary<string, string> Form)
{
    private int _answeredWith;

    /// <summary>The status the call was answered with, once its answer went out; 0 before.</summary>
    public int AnsweredWith
    {
        get => Volatile.Read(ref _answeredWith);
        set => Volatile.Write(ref _answeredWith, value);
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// How a hook answers: <paramref name="Status"/>, with <paramref name="Json"/> serialized (or <paramref name="Text"/>
/// as is), <paramref name="Headers"/>, after <paramref name="Gate"/> completes when one is given.
/// </summary>
public sealed record HookAnswer(int Status = 200, object? Json = null, string? Text = null, IReadOnlyDictionary<string, string>? Headers = null, Task? Gate = null);
