using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Runtime;

/// <summary>Runs idle collection on a timer and deactivates every grain at shutdown.</summary>
internal sealed class IdleCollectionService(GrainCatalog catalog, TimeProvider time, IOptionsMonitor<GrainRuntimeOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.CurrentValue.CollectionInterval, time, stoppingToken);
                await catalog.CollectIdleAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await catalog.DeactivateAllAsync();
    }
}
