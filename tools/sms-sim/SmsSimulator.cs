using MirrorGate.SimHosting;

namespace MirrorGate.SmsSim;

/// <summary>An SMS provider running in-process on a loopback socket with a random port, as tests point the gateway at it.</summary>
public sealed class SmsSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SmsSimState _state;

    private SmsSimulator(WebApplication app, Uri root)
    {
        _app = app;
        _state = app.Services.GetRequiredService<SmsSimState>();
        SendUrl = new Uri(root, "v1/sms/send");
    }

    /// <summary>What the gateway's <c>Sms:Url</c> is set to.</summary>
    public Uri SendUrl { get; }

    public string ApiKey => _state.ApiKey;

    public static async Task<SmsSimulator> StartAsync(string apiKey = "sms-sim-key", CancellationToken cancellationToken = default)
    {
        var app = SmsSimApp.Build(apiKey, [], standalone: false);
        return new SmsSimulator(app, await SimHost.StartOnLoopbackAsync(app, cancellationToken));
    }

    /// <summary>The messages accepted for <paramref name="phone"/> (all when null), oldest first.</summary>
    public IReadOnlyList<SmsReceived> Received(string? phone = null) => _state.Received(phone);

    /// <summary>The last code sent to <paramref name="phone"/>.</summary>
    public string LastCode(string phone) => _state.Received(phone) is { Count: > 0 } sent ? sent[^1].Code : throw new InvalidOperationException($"No SMS was sent to {phone}.");

    /// <summary>The next <paramref name="count"/> sendings fail with <paramref name="status"/>.</summary>
    public void FailNext(int count = 1, int status = 503) => _state.FailNext(count, status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
