using MirrorGate.GrainInterfaces.Accounts;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Renewing ahead of expiry, so that no request waits for a token exchange: a grain timer while the account is
/// active in memory, and, for pooled accounts, a durable reminder that wakes the account wherever it lives (it
/// survives restarts and moves to another silo when one dies). The reminder also tries expired accounts that
/// still hold a refresh or session token again, now and then.
/// </summary>
public sealed partial class AccountGrain
{
    private const string ReminderName = "renew";

    private IGrainTimer? _renewalTimer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleRenewalTimer();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        if (!IsRegistered || !state.State.InPool)
        {
            // The account left the pool (or was never stored): nothing to keep fresh.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        await RenewIfDueAsync();
    }

    /// <summary>Registers the pooled account's reminder (idempotent: Orleans keeps one per name).</summary>
    private async Task EnsureReminderAsync() =>
        await this.RegisterOrUpdateReminder(ReminderName, Renewal.CheckPeriod, Renewal.CheckPeriod);

    /// <summary>Arms a one-shot timer for when the access token enters its renewal window (replacing an earlier one).</summary>
    private void ScheduleRenewalTimer()
    {
        _renewalTimer?.Dispose();
        _renewalTimer = null;
        if (!IsRegistered || !state.State.CanRefresh || state.State.AccessTokenExpiresAt is not { } expires
            || state.State.Status is AccountStatus.Disabled or AccountStatus.Banned or AccountStatus.Expired)
        {
            return;
        }

        // Never sooner than a minute after the last attempt, so a token that is born inside its window (or an
        // upstream that keeps failing) does not make the timer spin.
        var now = time.GetUtcNow();
        var due = expires - Renewal.RenewBefore - now;
        if (state.State.LastRenewalAttemptAt is { } last && last + TimeSpan.FromMinutes(1) - now > due)
        {
            due = last + TimeSpan.FromMinutes(1) - now;
        }

        _renewalTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.RenewIfDueAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, KeepAlive = false });
    }

    /// <summary>Renews when the token is inside its renewal window, or, for an expired account, when its probe is due.</summary>
    private async Task RenewIfDueAsync()
    {
        var s = state.State;
        var now = time.GetUtcNow();
        var due = s.Status switch
        {
            AccountStatus.Disabled or AccountStatus.Banned => false,
            AccountStatus.Expired => s.CanRefresh && (s.LastRenewalAttemptAt is not { } last || now - last >= Renewal.ExpiredProbeInterval),
            _ => s.CanRefresh && (s.AccessTokenExpiresAt is not { } expires || expires - now <= Renewal.RenewBefore),
        };
        if (!due)
        {
            return;
        }

        try
        {
            var result = await RenewAsync(s.RefreshToken, s.SessionToken, rejectedAccessToken: null);
            LogRenewedAhead(logger, AccountId, result.Succeeded, result.Message);
        }
        catch (Exception ex)
        {
            LogRenewAheadFailed(logger, ex, AccountId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} renewed ahead of expiry: succeeded {Succeeded} {Reason}")]
    private static partial void LogRenewedAhead(ILogger logger, string accountId, bool succeeded, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not renew ahead of expiry")]
    private static partial void LogRenewAheadFailed(ILogger logger, Exception exception, string accountId);
}
