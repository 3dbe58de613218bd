using Microsoft.Extensions.Logging.Abstractions;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Http;

namespace MirrorGate.Tests.Upstream;

/// <summary>A <see cref="ChatGptClient"/> wired to a <see cref="StubHttpHandler"/>.</summary>
internal sealed class ClientHarness
{
    public const string DeviceId = "6f1c2b9e-5a4d-4c3b-9e8f-7a6b5c4d3e2f";

    public ClientHarness(Func<RecordedRequest, HttpResponseMessage> respond, Action<ChatGptOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        Options = new ChatGptOptions
        {
            BackendBaseUrl = new Uri("http://upstream.test"),
            AuthBaseUrl = new Uri("http://auth.test"),
        };
        configure?.Invoke(Options);
        Handler = new StubHttpHandler(respond);
        Client = new ChatGptClient(
            Microsoft.Extensions.Options.Options.Create(Options),
            new StubClients(Handler),
            timeProvider ?? TimeProvider.System,
            NullLogger<ChatGptClient>.Instance);
    }

    public ChatGptOptions Options { get; }

    public StubHttpHandler Handler { get; }

    public IChatGptClient Client { get; }

    public List<string> Paths => Handler.Requests.Select(r => r.Path).ToList();

    public static UpstreamCredential LoggedIn(string? team = "ws-team") => new("acct-7", "access-token-value", DeviceId, team);

    public static UpstreamCredential Anonymous() => new("anon-3", null, DeviceId);

    private sealed class StubClients(StubHttpHandler handler) : IUpstreamHttpClients
    {
        private readonly HttpClient _client = new(handler, disposeHandler: false);

        public HttpClient Get(string? proxyUrl) => _client;
    }
}

/// <summary>A clock fixed at one instant (timers and timestamps still run on the system clock).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
