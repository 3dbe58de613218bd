using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Silo.Ledger;

/// <summary>
/// Makes sure the hold sweep's reminder exists once the silo is active. Every silo does it (registering is
/// idempotent), so a cluster whose first node never started it still gets it. A failure only logs: the silo serves
/// without the sweep, and the next start (or any other silo) registers it.
/// </summary>
internal sealed partial class HoldSweepStartup(IGrainFactory grains, ILogger<HoldSweepStartup> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IHoldSweepGrain>(0).StartAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotStarted(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep of abandoned wallet holds could not register its reminder; holds that nobody closes stay held until a node registers it")]
    private static partial void LogNotStarted(ILogger logger, Exception exception);
}
