using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Speech;

/// <summary>One gateway on a real loopback socket (the npm client needs one) with one pooled account, shared by the speech tests that inject no faults.</summary>
public sealed class SpeechGateway : IAsyncLifetime
{
    public const string Email = "speaker@example.com";

    public GatewayApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await GatewayApp.StartAsync(kestrel: true);
        await App.AddPooledAccountAsync(Email);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
