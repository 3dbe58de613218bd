using MirrorGate.SimHosting;
using MirrorGate.UpstreamSim.Control;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Hosting;

namespace MirrorGate.UpstreamSim;

/// <summary>An upstream simulator running in-process on a real loopback socket with a random port. Serves
/// the chatgpt.com and auth.openai.com paths on <see cref="BaseUrl"/>; every method is thread-safe.</summary>
public sealed class UpstreamSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorControl _control;

    private UpstreamSimulator(WebApplication app, Uri baseUrl, SimulatorOptions options)
    {
        _app = app;
        BaseUrl = baseUrl;
        Options = options;
        _control = app.Services.GetRequiredService<SimulatorControl>();
    }

    /// <summary>Root of both hosts, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The live switches; changes apply to the next request.</summary>
    public SimulatorOptions Options { get; }

    public static async Task<UpstreamSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatorOptions();
        var app = SimulatorApp.Build(options, [], standalone: false);
        var simulator = new UpstreamSimulator(app, await SimHost.StartOnLoopbackAsync(app, cancellationToken), options);
        SimLog.Listening(app.Services.GetRequiredService<ILogger<UpstreamSimulator>>(), simulator.BaseUrl);
        return simulator;
    }

    /// <summary>Adds an account logged in with a fresh access token, refresh token (new grant family) and
    /// session cookie. Adding an existing email logs it in again: same ids, new credentials.</summary>
    public SimAccount AddAccount(string email, string plan = "plus", TimeSpan? accessTokenLifetime = null, string? teamAccountId = null) =>
        _control.AddAccount(email, plan, accessTokenLifetime, teamAccountId);

    /// <exception cref="KeyNotFoundException">No such account.</exception>
    public SimAccount GetAccount(string email) => _control.GetAccount(email);

    /// <summary>Mints an access token (and makes it the account's current one); a negative lifetime gives a
    /// token whose <c>exp</c> has already passed.</summary>
    public string IssueAccessToken(string email, TimeSpan lifetime) => _control.IssueAccessToken(email, lifetime);

    /// <summary>Revokes every access token issued so far to the account: they get 401 although their <c>exp</c>
    /// is ahead. Tokens issued afterwards (refresh, session, <see cref="IssueAccessToken"/>) are good.</summary>
    public void RevokeAccessTokens(string email) => _control.RevokeAccessTokens(email);

    /// <summary>Queues a fault for the account's conversation POSTs (legacy and <c>f/</c>).</summary>
    public void InjectFault(string email, SimFault fault) => _control.InjectFault(email, fault);

    public void ClearFaults(string email) => _control.ClearFaults(email);

    /// <summary>Calls of <paramref name="endpoint"/> (a <see cref="SimEndpoints"/> name), in total or by one account.</summary>
    public int CallCount(string endpoint, string? email = null) => _control.CallCount(endpoint, email);

    public void ResetCallCounts() => _control.ResetCallCounts();

    /// <summary>A snapshot of a kept conversation; null when unknown or never kept.</summary>
    public SimConversation? GetConversation(string conversationId) => _control.GetConversation(conversationId);

    /// <summary>A file the backend holds (any account's); null when unknown.</summary>
    public SimFile? GetFile(string fileId) => _app.Services.GetRequiredService<Files.FileStore>().Snapshot(fileId);

    /// <summary>The conversations clients hid (<c>PATCH /backend-api/conversation/{id}</c> <c>{"is_visible":false}</c>).</summary>
    public IReadOnlyList<string> HiddenConversationIds() => _app.Services.GetRequiredService<Speech.HiddenConversations>().All();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
