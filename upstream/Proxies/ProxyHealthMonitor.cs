using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// Probes every pool proxy at start and then every <see cref="ProxyOptions.HealthCheckInterval"/>.
/// </summary>
/// <remarks>
/// One monitor per node, not one per cluster: what matters is whether this node reaches the proxy (a proxy may
/// be up for one node and unreachable from another), the work is a handful of GETs a minute, and nothing is
/// stored, so there is no state to share or fence. Nodes whose views differ for a moment may assign an account
/// differently for that moment, which costs nothing but a changed exit address.
/// </remarks>
internal sealed class ProxyHealthMonitor(ProxyPool pool, ProxyChecker checker, IOptions<ProxyOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (pool.IsEmpty)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.HealthCheckInterval, time);
        do
        {
            await checker.CheckAsync(null, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
