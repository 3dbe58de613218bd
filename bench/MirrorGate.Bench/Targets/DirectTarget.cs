using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Bench.Targets;

/// <summary>
/// The baseline: the gateway's own upstream client (<see cref="IChatGptClient"/>, registered exactly as the
/// gateway registers it) running the same turn against the simulator from inside this process: sentinel
/// prepare + finalize with proof of work, conduit prepare, the conversation POST, and decoding the "v1" stream.
/// </summary>
internal sealed class DirectTarget : ITurnTarget, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IChatGptClient _client;
    private readonly UpstreamCredential _credential;

    public DirectTarget(Uri simulator, string accessToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatGpt:BackendBaseUrl"] = simulator.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.ToString(),
            ["ChatGpt:Flow"] = "Newest",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddChatGptUpstream(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _client = _services.GetRequiredService<IChatGptClient>();
        _credential = new UpstreamCredential("bench-direct", accessToken, Guid.NewGuid().ToString());
    }

    public string Name => "direct";

    public async ValueTask RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        var started = await _client.StartConversationAsync(_credential, Body(scenario.Temporary), cancellationToken);
        if (!started.IsSuccess)
        {
            throw new InvalidOperationException($"direct turn failed: {started.Failure}");
        }

        await using var stream = started.Value;
        var text = new StringBuilder();
        var finished = false;
        await foreach (var upstreamEvent in stream.ReadEventsAsync(cancellationToken))
        {
            switch (upstreamEvent)
            {
                case AssistantTextDelta delta:
                    text.Append(delta.Text);
                    break;
                case AssistantTurnFinished:
                    finished = true;
                    break;
            }
        }

        if (!finished || !text.Equals(Scenario.ExpectedReply))
        {
            throw new InvalidOperationException($"direct turn answered '{text}' (finished: {finished}).");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>The body the gateway's ChatGptRequestBuilder sends for one new user message (same fields, same order).</summary>
    private static JsonObject Body(bool temporary) => new()
    {
        ["action"] = "next",
        ["messages"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["author"] = new JsonObject { ["role"] = "user" },
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(Scenario.Prompt) },
            ["metadata"] = new JsonObject(),
        }),
        ["parent_message_id"] = "client-created-root",
        ["model"] = "auto",
        ["timezone_offset_min"] = -(int)TimeZoneInfo.Local.GetUtcOffset(DateTimeOffset.UtcNow).TotalMinutes,
        ["history_and_training_disabled"] = temporary,
        ["conversation_mode"] = new JsonObject { ["kind"] = "primary_assistant" },
        ["system_hints"] = new JsonArray(),
    };
}
