using System.Data.Common;

namespace MirrorGate.Silo.Embedded;

/// <summary>
/// Copies the embedded file's write-ahead log into the database in the background, every <c>interval</c>, instead of
/// in the commit that happens to cross SQLite's automatic threshold. That commit used to copy a thousand pages and
/// sync the file twice while every writer queued behind it waited: at 500 requests a second, a checkpoint every
/// ~0.2 s, and most of the paced benchmark's 99th-percentile latency (issue 9: 2.9–4.6 ms before, ~1 ms after). A
/// passive checkpoint runs beside the writers; the connections keep a high automatic threshold only as a safety net
/// if this loop cannot run.
/// </summary>
internal sealed partial class WalCheckpoints : IAsyncDisposable
{
    private readonly DbDataSource _source;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WalCheckpoints(DbDataSource source, TimeSpan interval, ILogger logger)
    {
        (_source, _logger) = (source, logger);
        _loop = Task.Run(() => RunAsync(interval));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();

        // On the way out the log is folded in and emptied, so the file alone holds everything.
        await CheckpointAsync("TRUNCATE", CancellationToken.None);
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await CheckpointAsync("PASSIVE", _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task CheckpointAsync(string mode, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode})";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckpointFailed(_logger, ex, mode);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Mode} checkpoint of the embedded database failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string mode);
}
