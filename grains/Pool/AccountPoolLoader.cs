using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Grains.Accounts;
using MirrorGate.Silo.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Pool;

/// <summary>
/// Fills this node's pool at start from the registry, and keeps it current: when any node announces
/// that an account changed, the account's snapshot is read again from its grain (in the background,
/// never inside the announcing grain's turn). After a resync notice (this node may have missed
/// announcements) the whole pool is read again.
/// </summary>
public sealed partial class AccountPoolLoader(IGrainFactory grains, AccountPool pool, IChangeNotifier notifier, ILogger<AccountPoolLoader> logger) : IHostedService
{
    private IDisposable? _subscription;
    private IDisposable? _resync;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(AccountGrain.ChangeTopic, key =>
        {
            _ = ReloadAsync(key);
            return ValueTask.CompletedTask;
        });

        // This node may have missed announcements (its listening connection broke): read everything again.
        _resync = notifier.Subscribe(IChangeNotifier.ResyncTopic, _ =>
        {
            ReloadAllInBackground();
            return ValueTask.CompletedTask;
        });

        await ReloadAllAsync();
    }

    private void ReloadAllInBackground() => _ = ReloadAllAsync();

    private async Task ReloadAllAsync()
    {
        try
        {
            var ids = await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
            foreach (var gone in pool.Accounts.Select(a => a.AccountId).Except(ids))
            {
                pool.Forget(gone);
            }

            foreach (var id in ids)
            {
                await ReloadAsync(id);
            }

            LogLoaded(logger, pool.Accounts.Count, ids.Count);
        }
        catch (Exception ex) when (ex is StorageUnavailableException)
        {
            // The next resync (when the database is back) tries again.
            LogReloadAllFailed(logger, ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _resync?.Dispose();
        return Task.CompletedTask;
    }

    private async Task ReloadAsync(string accountId)
    {
        try
        {
            if (await grains.GetGrain<IAccountGrain>(accountId).GetSnapshotAsync() is { } snapshot)
            {
                pool.Publish(snapshot);
            }
            else
            {
                pool.Forget(accountId);
            }
        }
        catch (Exception ex)
        {
            LogReloadFailed(logger, ex, accountId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account pool loaded: {Pooled} of {Registered} registered accounts are pooled")]
    private static partial void LogLoaded(ILogger logger, int pooled, int registered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the account pool: {Reason}")]
    private static partial void LogReloadAllFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload account {AccountId} into the pool")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string accountId);
}
