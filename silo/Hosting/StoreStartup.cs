using MirrorGate.Silo.Storage;
using StackExchange.Redis;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// The first thing a node does, before Orleans starts: reach its stores and bring the schema up to date. An
/// unreachable PostgreSQL or Redis gets retries with growing pauses; after <see cref="ClusterModeOptions.StartupTimeout"/>
/// the node refuses to start with a message that names the address. An embedded node only migrates its file.
/// </summary>
public sealed partial class StoreStartup(IServiceProvider services, TimeProvider clock, ILogger<StoreStartup> logger) : IHostedLifecycleService
{
    private readonly ClusterModeOptions _cluster = services.GetService<ClusterModeOptions>() ?? new ClusterModeOptions();

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_cluster.Enabled)
        {
            await RetryAsync($"Redis at {RedisAddress(_cluster.Redis!)}", ex => true, () => PingRedisAsync(_cluster.Redis!), cancellationToken);
        }

        // A front end has no store of its own: it reaches state only through the silos.
        if (services.GetService<StateStore>() is { } store)
        {
            await RetryAsync(store.Address, store.IsUnavailable, () => store.MigrateAsync(cancellationToken), cancellationToken);
        }
    }

    private async Task RetryAsync(string what, Func<Exception, bool> retryable, Func<Task> attempt, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(250);
        for (var tries = 1; ; tries++)
        {
            try
            {
                await attempt();
                LogReady(logger, what);
                return;
            }
            catch (Exception ex) when (retryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (clock.GetElapsedTime(started) + pause > _cluster.StartupTimeout)
                {
                    throw new InvalidOperationException(
                        $"MirrorGate cannot start: {what} did not answer within {_cluster.StartupTimeout.TotalSeconds:0} s ({tries} attempts; last error: {ex.Message}).", ex);
                }

                LogRetrying(logger, what, tries, pause.TotalMilliseconds, ex.Message);
                await Task.Delay(pause, clock, cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private static async Task PingRedisAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();
    }

    /// <summary>The endpoints of a Redis configuration string, without any password it may carry.</summary>
    public static string RedisAddress(string configuration) =>
        string.Join(",", ConfigurationOptions.Parse(configuration).EndPoints.Select(e => e.ToString()));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Store} is ready")]
    private static partial void LogReady(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Store} not reachable (attempt {Attempt}); retrying in {PauseMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string store, int attempt, double pauseMs, string reason);
}
