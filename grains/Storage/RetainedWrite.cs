using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Storage;

/// <summary>
/// A write that must not be lost although the store refused it: renewed tokens that exist nowhere else (the
/// upstream has already rotated the stored ones). The write gets a few quick retries; if the store is still down,
/// it is kept in memory, retried on a timer that keeps the activation alive, tried once more at deactivation, and
/// the caller hears <see cref="GrainInterfaces.Errors.StorageUnavailableException"/>. The owning grain reports
/// <see cref="Pending"/> through <see cref="IRetainsUnsavedState"/>, so the silo does not drop it for the failure.
/// </summary>
internal sealed partial class RetainedWrite(Grain grain, ILogger logger, string owner)
{
    private static readonly TimeSpan[] QuickRetries = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)];
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(5);

    private Func<Task>? _write;
    private IGrainTimer? _timer;

    public bool Pending => _write is not null;

    /// <summary>Holds <paramref name="write"/> until it succeeds; throws when the quick retries all failed.</summary>
    public async Task StoreAsync(Func<Task> write)
    {
        _write = write;
        await RetryAsync(throwWhenDown: true);
    }

    /// <summary>Tries the held write again, if there is one. Throws when it fails and <paramref name="throwWhenDown"/>.</summary>
    public async Task RetryAsync(bool throwWhenDown = false)
    {
        if (_write is not { } write)
        {
            return;
        }

        Exception? last = null;
        foreach (var delay in QuickRetries)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            try
            {
                await write();
                _write = null;
                _timer?.Dispose();
                _timer = null;
                return;
            }
            catch (Exception ex)
            {
                // Whatever the cause, what is held exists only here: keep it and try again.
                last = ex;
                LogWriteFailed(logger, owner, ex.Message);
            }
        }

        _timer ??= grain.RegisterGrainTimer(
            static (self, _) => self.RetryAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = RetryPeriod, Period = RetryPeriod, KeepAlive = true });
        if (throwWhenDown)
        {
            throw new GrainInterfaces.Errors.StorageUnavailableException($"{owner} holds new tokens its store did not take yet; it keeps them and retries. Try again shortly.", last!);
        }
    }

    /// <summary>A last try when the activation ends (a silo shutting down); a failure here loses what was held, and says so.</summary>
    public async Task FlushAsync()
    {
        if (_write is not { } write)
        {
            return;
        }

        try
        {
            await write();
            _write = null;
        }
        catch (Exception ex)
        {
            LogLost(logger, ex, owner);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Owner} holds renewed tokens the store did not take ({Reason}); keeping them in memory and retrying")]
    private static partial void LogWriteFailed(ILogger logger, string owner, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Owner} was deactivated holding renewed tokens the store never took; they are lost and the account must be imported again")]
    private static partial void LogLost(ILogger logger, Exception exception, string owner);
}
