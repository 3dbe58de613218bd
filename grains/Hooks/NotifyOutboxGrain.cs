using MirrorGate.GrainInterfaces.Hooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace MirrorGate.Grains.Hooks;

/// <summary>A pending notify delivery: what to send, and how its attempts went so far.</summary>
public sealed record NotifyOutboxState
{
    public NotifyDelivery? Delivery { get; init; }

    public int FailedAttempts { get; init; }

    /// <summary>When the next attempt is due (after a failure); a resumed delivery waits for it.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>
/// Sends one notify delivery until the hook takes it. Durable before the user's answer ends: <see cref="EnqueueAsync"/>
/// registers a reminder and stores the delivery before it returns, and the chat turn waits for that before its last
/// bytes. Sending happens on a grain timer, never inside the caller's call, so the answer never waits for the hook.
/// A failed attempt is stored (count and next time) and retried with doubling pauses; the reminder resumes a
/// delivery whose node restarted or died. A 2xx answer clears the state and the reminder: nothing is sent again.
/// A crash between the hook's 2xx and that clear sends it once more, with the same <c>Idempotency-Key</c>.
/// </summary>
/// <remarks>
/// Paced by the runtime's clock (the unkeyed <see cref="TimeProvider"/>), not the gateway's: attempts follow Orleans'
/// timers and reminders, which run on it.
/// </remarks>
[GrainType("notify-outbox")]
[PreferLocalPlacement]
public sealed partial class NotifyOutboxGrain(
    [PersistentState("notify-outbox")] IPersistentState<NotifyOutboxState> state,
    HookTransport transport,
    IOptionsMonitor<HooksOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    TimeProvider time,
    ILogger<NotifyOutboxGrain> logger) : Grain, INotifyOutboxGrain, IRemindable
{
    private const string ReminderName = "notify";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    private IGrainTimer? _attempt;

    private string DeliveryId => this.GetPrimaryKeyString();

    /// <summary>The resume reminder's period: as configured, but never below what Orleans accepts.</summary>
    private TimeSpan ResumePeriod =>
        options.CurrentValue.NotifyResumePeriod > reminderOptions.Value.MinimumReminderPeriod ? options.CurrentValue.NotifyResumePeriod : reminderOptions.Value.MinimumReminderPeriod;

    public async Task EnqueueAsync(NotifyDelivery delivery)
    {
        if (state.State.Delivery is not null)
        {
            // Stored already (the first answer was lost): keep pacing it, do not store or send it twice.
            ResumeIfIdle();
            return;
        }

        // The reminder first: if the state write then fails, a tick finds nothing and removes the reminder, while the
        // other order could leave a stored delivery that nothing wakes after a crash.
        await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
        state.State = new NotifyOutboxState { Delivery = delivery };
        await state.WriteStateAsync();
        ScheduleAttempt(TimeSpan.Zero);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        if (state.State.Delivery is null)
        {
            await ForgetReminderAsync();
            DeactivateOnIdle();
            return;
        }

        ResumeIfIdle();
    }

    /// <summary>A stored delivery this activation is not pacing yet (it was stored by a node that restarted or died): the next attempt is armed when it is due.</summary>
    private void ResumeIfIdle()
    {
        if (_attempt is null)
        {
            var due = state.State.NextAttemptAt is { } next ? next - time.GetUtcNow() : TimeSpan.Zero;
            LogResumed(logger, DeliveryId, state.State.FailedAttempts);
            ScheduleAttempt(due > TimeSpan.Zero ? due : TimeSpan.Zero);
        }
    }

    private void ScheduleAttempt(TimeSpan due)
    {
        _attempt?.Dispose();
        _attempt = this.RegisterGrainTimer(
            static (grain, _) => grain.AttemptAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }

    private async Task AttemptAsync()
    {
        _attempt?.Dispose();
        _attempt = null;
        if (state.State.Delivery is not { } delivery)
        {
            return;
        }

        var attempt = state.State.FailedAttempts + 1;
        try
        {
            if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var url))
            {
                await FinishAsync();
                LogDropped(logger, DeliveryId, attempt, "its URL is not valid");
                return;
            }

            var reply = await transport.PostUserCallAsync("notify", url, delivery.Body, delivery.UserToken, delivery.Queries, DeliveryId, CancellationToken.None);
            if (reply.IsSuccess)
            {
                await FinishAsync();
                LogDelivered(logger, DeliveryId, attempt);
                return;
            }

            // Attempt n failed, so n - 1 retries are spent; with NotifyRetries = r, attempt r + 1 is the last.
            var reason = reply.Failure ?? $"HTTP {reply.Status}";
            if (attempt > options.CurrentValue.NotifyRetries)
            {
                await FinishAsync();
                LogDropped(logger, DeliveryId, attempt, reason);
                return;
            }

            var pause = Backoff(attempt);
            state.State = state.State with { FailedAttempts = attempt, NextAttemptAt = time.GetUtcNow() + pause };
            await state.WriteStateAsync();
            LogRetrying(logger, DeliveryId, attempt, reason, pause.TotalSeconds);
            ScheduleAttempt(pause);
        }
        catch (Exception ex)
        {
            // The store refused a write: start again from what it holds, when the reminder next wakes this delivery.
            LogAttemptFailed(logger, ex, DeliveryId);
            DeactivateOnIdle();
        }
    }

    /// <summary>Forgotten first (nothing is left to send, whatever happens next), then the reminder goes.</summary>
    private async Task FinishAsync()
    {
        await state.ClearStateAsync();
        await ForgetReminderAsync();
        DeactivateOnIdle();
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private TimeSpan Backoff(int failedAttempts)
    {
        var pause = options.CurrentValue.NotifyBackoff * Math.Pow(2, Math.Min(failedAttempts - 1, 20));
        return pause < MaxBackoff ? pause : MaxBackoff;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notify delivery {DeliveryId} was taken by the hook on attempt {Attempt}")]
    private static partial void LogDelivered(ILogger logger, string deliveryId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notify delivery {DeliveryId} failed attempt {Attempt} ({Reason}); trying again in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, string deliveryId, int attempt, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notify delivery {DeliveryId} is dropped after {Attempts} failed attempts: {Reason}")]
    private static partial void LogDropped(ILogger logger, string deliveryId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notify delivery {DeliveryId} resumed after {Attempts} failed attempts")]
    private static partial void LogResumed(ILogger logger, string deliveryId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notify delivery {DeliveryId} could not store its progress; it resumes from the stored state")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string deliveryId);
}
