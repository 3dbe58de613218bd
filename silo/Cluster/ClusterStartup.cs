using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// First thing a cluster node does at start: reaches the database and brings its schema up to date
/// before anything else reads state. An unreachable database gets retries with growing pauses; after
/// <see cref="ClusterOptions.StartupTimeout"/> the node refuses to start with a message naming the address.
/// </summary>
public sealed partial class ClusterStartup(PostgresDatabase database, SchemaMigrator migrator, IOptions<ClusterOptions> options, TimeProvider time, ILogger<ClusterStartup> logger) : IHostedLifecycleService
{
    /// <summary>Runs before any hosted service's StartAsync, whatever order they were registered in.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                LogReady(logger, database.Address, database.Schema);
                return;
            }
            catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
            {
                var elapsed = time.GetElapsedTime(started);
                if (elapsed + pause > options.Value.StartupTimeout)
                {
                    throw new InvalidOperationException(
                        $"MirrorGate cannot start in cluster mode: the PostgreSQL database at {database.Address} did not answer within {options.Value.StartupTimeout.TotalSeconds:0} s ({attempt} attempts; last error: {ex.Message}).", ex);
                }

                LogRetrying(logger, database.Address, attempt, pause.TotalMilliseconds, ex.Message);
                await Task.Delay(pause, time, cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 5000));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster mode: database {Address} ready, schema {Schema}")]
    private static partial void LogReady(ILogger logger, string address, string schema);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster database {Address} not reachable (attempt {Attempt}); retrying in {PauseMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string address, int attempt, double pauseMs, string reason);
}
