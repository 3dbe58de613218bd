using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Accounts;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Api.Demo;

/// <summary>Registers the demo's simulated account in the pool once the node (its silo included) has started.</summary>
internal sealed partial class DemoSeeder(UpstreamSimulator simulator, AccountOnboarding onboarding, ILogger<DemoSeeder> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var account = simulator.AddAccount("demo@mirrorgate.local", "plus");
        var result = await onboarding.OnboardAsync(new AccountRegistration(null, new Secret(account.RefreshToken), null));
        if (result.Succeeded)
        {
            LogSeeded(logger, simulator.BaseUrl, result.Snapshot!.AccountId);
        }
        else
        {
            LogSeedFailed(logger, result.Message);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE: upstream simulator at {SimulatorUrl}, pooled demo account {AccountId}. Not for production.")]
    private static partial void LogSeeded(ILogger logger, Uri simulatorUrl, string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "DEMO MODE: could not register the demo account: {Reason}")]
    private static partial void LogSeedFailed(ILogger logger, string? reason);
}
