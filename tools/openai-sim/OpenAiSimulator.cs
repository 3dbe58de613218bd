using System.Text.Json.Nodes;
using MirrorGate.SimHosting;

namespace MirrorGate.OpenAiSim;

/// <summary>
/// An OpenAI-compatible upstream running in-process on a real loopback socket with a random port: what a channel
/// points at in tests. Serves <c>/v1/*</c> on <see cref="BaseUrl"/>; every method is thread-safe.
/// </summary>
public sealed class OpenAiSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimState _state;

    private OpenAiSimulator(WebApplication app, Uri root, OpenAiSimOptions options)
    {
        _app = app;
        BaseUrl = new Uri(root, "v1");
        Options = options;
        _state = app.Services.GetRequiredService<SimState>();
    }

    /// <summary>The API base a client or channel is given, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The live switches; changes apply to the next request.</summary>
    public OpenAiSimOptions Options { get; }

    public static async Task<OpenAiSimulator> StartAsync(OpenAiSimOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OpenAiSimOptions();
        var app = OpenAiSimApp.Build(options, [], standalone: false);
        return new OpenAiSimulator(app, await SimHost.StartOnLoopbackAsync(app, cancellationToken), options);
    }

    /// <summary>Makes <paramref name="key"/> a valid API key; requests with any other key are answered 401.</summary>
    public void AddKey(string key) => _state.AddKey(key);

    /// <summary>Queues a fault for requests made with <paramref name="key"/>.</summary>
    public void InjectFault(string key, OpenAiFault fault) => _state.AddFault(key, fault);

    public void ClearFaults(string key) => _state.ClearFaults(key);

    /// <summary>The requests received, in order; only those made with <paramref name="key"/> when given.</summary>
    public IReadOnlyList<OpenAiCall> Calls(string? key = null) => _state.Calls(key);

    public void ResetCalls() => _state.ResetCalls();

    /// <summary>Requests held by a <see cref="OpenAiFaultKind.Hold"/> fault right now.</summary>
    public int Held => _state.Held;

    /// <summary>Lets every request held by a <see cref="OpenAiFaultKind.Hold"/> fault answer.</summary>
    public void Release() => _state.Release();

    /// <summary>The JSON body of a recorded call, parsed.</summary>
    public static JsonObject BodyOf(OpenAiCall call) => JsonNode.Parse(call.Body)!.AsObject();

    public async ValueTask DisposeAsync()
    {
        _state.Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
