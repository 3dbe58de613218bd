namespace MirrorGate.Silo.Hosting;

/// <summary>
/// How a front end (an Orleans client) waits for its cluster at start: it retries the connection with growing
/// pauses, like a silo waits for its stores, and after <see cref="ClusterModeOptions.StartupTimeout"/> refuses to
/// start with a message saying what it was waiting for.
/// </summary>
public sealed partial class ClusterConnectRetry(ClusterModeOptions cluster, TimeProvider clock, ILogger<ClusterConnectRetry> logger) : IClientConnectionRetryFilter
{
    private readonly long _started = clock.GetTimestamp();
    private TimeSpan _pause = TimeSpan.FromMilliseconds(250);
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _attempts++;
        if (clock.GetElapsedTime(_started) + _pause > cluster.StartupTimeout)
        {
            throw new InvalidOperationException(
                $"MirrorGate cannot start as a front end: no silo of cluster '{cluster.ClusterId}' (membership in Redis at {StoreStartup.RedisAddress(cluster.Redis!)}) "
                + $"answered within {cluster.StartupTimeout.TotalSeconds:0} s ({_attempts} attempts; last error: {exception.Message}). Start the silos first, with the same Cluster:ServiceId and Cluster:ClusterId.",
                exception);
        }

        LogRetrying(logger, cluster.ClusterId, _attempts, _pause.TotalMilliseconds, exception.Message);
        await Task.Delay(_pause, clock, cancellationToken);
        _pause = TimeSpan.FromMilliseconds(Math.Min(_pause.TotalMilliseconds * 2, 5000));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo of cluster {ClusterId} answered (attempt {Attempt}); retrying in {PauseMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string clusterId, int attempt, double pauseMs, string reason);
}
