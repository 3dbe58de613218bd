using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.Vidu;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace MirrorGate.Grains.Videos;

/// <summary>
/// One Vidu task, from reservation to settlement (issue 12). Every step is stored before the next begins, so an
/// activation on another silo (woken by the reminder, or by a client asking) carries on from the store:
/// <list type="number">
/// <item>reserve the price on the wallet (key <c>video/{taskid}</c>), register the reminder, store the task;</item>
/// <item>submit upstream and store its task id — a task found stored without one was interrupted mid-submit, and is
/// failed and released rather than submitted twice (Vidu's submit has no idempotency key);</item>
/// <item>poll on a grain timer (and whenever a callback arrives) until the upstream says <c>success</c> or
/// <c>failed</c>, or the deadline passes;</item>
/// <item>store the outcome, then settle (charge) or release the reservation, then store that it is settled and drop
/// the reminder. A crash in between leaves the outcome stored with the reservation held: the next wake settles it,
/// and the wallet's idempotency key makes a repeated settle or release change nothing.</item>
/// </list>
/// The task's row in the searchable catalog (<see cref="IVideoTaskCatalog"/>) is written after the state whenever
/// something the row shows changes (not for progress alone), and the reminder stays until the row of the settled task
/// is written: a catalog that refused the last write is retried on the poll timer, and by the reminder on a later
/// activation, so no row is left showing a held reservation that was settled.
/// Callbacks are not trusted on their own: Vidu signs the URL and headers, not the body, so a callback only makes the
/// grain query the upstream at once.
/// </summary>
/// <remarks>
/// Polling follows Orleans' timers (the runtime clock); the deadline and the times shown follow the gateway's clock.
/// A task activates on the node whose request started it (<see cref="PreferLocalPlacementAttribute"/>): its polls then
/// spread over the nodes as the requests do, and the stream that watches it asks a local activation.
/// </remarks>
[GrainType("video-task")]
[PreferLocalPlacement]
public sealed partial class VideoTaskGrain(
    [PersistentState("video-task")] IPersistentState<VideoTaskState> state,
    ViduClient vidu,
    IVideoTaskCatalog catalog,
    IOptionsMonitor<VideoTaskOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider clock,
    ILogger<VideoTaskGrain> logger) : Grain, IVideoTaskGrain, IRemindable
{
    private const string ReminderName = "video-task";

    private IGrainTimer? _poll;

    private string TaskId => this.GetPrimaryKeyString();

    private string ChargeKey => "video/" + TaskId;

    private IWalletGrain Wallet => GrainFactory.GetGrain<IWalletGrain>(state.State.Start!.OrgId);

    /// <summary>Nothing is left to do: the outcome is stored, the reservation settled, and the catalog row shows both.</summary>
    private bool IsDone => state.State.IsFinished && state.State.Settlement != VideoSettlement.Held && IsListed;

    private TimeSpan ResumePeriod =>
        options.CurrentValue.ResumePeriod > reminderOptions.Value.MinimumReminderPeriod ? options.CurrentValue.ResumePeriod : reminderOptions.Value.MinimumReminderPeriod;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A task stored by another activation (its silo died, or it was idle-collected) carries on at once.
        if (state.State.Start is not null && (!state.State.IsFinished || state.State.Settlement == VideoSettlement.Held))
        {
            ArmPoll(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<VideoStartResult> StartAsync(VideoTaskStart start)
    {
        if (state.State.Start is not null)
        {
            return new VideoStartResult(View(), null);
        }

        var wallet = GrainFactory.GetGrain<IWalletGrain>(start.OrgId);
        // Held for the task's whole life and then some: the wallet's sweep of abandoned holds must never take back the
        // hold of a task that is still running (its own timeout releases it first).
        var holdFor = options.CurrentValue.Timeout + options.CurrentValue.Timeout + TimeSpan.FromHours(1);
        var reserved = await wallet.ReserveAsync(ChargeKey, start.Order.Amount, holdFor);
        if (!reserved.Succeeded)
        {
            return new VideoStartResult(null, reserved.Outcome is WalletOutcome.Insufficient ? VideoRefusal.InsufficientBalance : VideoRefusal.WalletRefused);
        }

        var now = clock.GetUtcNow();
        try
        {
            // The reminder first: a stored task always has something to wake it.
            await this.RegisterOrUpdateReminder(ReminderName, ResumePeriod, ResumePeriod);
            state.State = new VideoTaskState { Start = start, CreatedAt = now, UpdatedAt = now, Deadline = now + options.CurrentValue.Timeout, Settlement = VideoSettlement.Held };
            await SaveAsync();
        }
        catch
        {
            await wallet.ReleaseAsync(ChargeKey);
            throw;
        }

        try
        {
            await GrainFactory.GetGrain<IVideoTaskIndexGrain>(start.UserId).AddAsync(TaskId, now);
        }
        catch (Exception ex)
        {
            // The task runs and is settled regardless; only the user's list misses it.
            LogIndexFailed(logger, ex, TaskId);
        }

        await SubmitAsync();
        return new VideoStartResult(View(), null);
    }

    public Task<VideoTaskView?> GetAsync() => Task.FromResult(state.State.Start is null ? null : View());

    public async Task<bool> ReportCallbackAsync(string upstreamTaskId)
    {
        if (state.State.Start is null || state.State.UpstreamTaskId != upstreamTaskId)
        {
            return false;
        }

        LogCallback(logger, TaskId, upstreamTaskId);
        await PollAsync();
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        if (state.State.Start is null || IsDone)
        {
            await ForgetReminderAsync();
            return;
        }

        // An open task, a held reservation, or a settled task whose catalog row this activation has not written yet.
        if (_poll is null)
        {
            ArmPoll(TimeSpan.Zero);
        }
    }

    private async Task SubmitAsync()
    {
        var start = state.State.Start!;
        var body = JsonNode.Parse(start.UpstreamBody)!.AsObject();
        if (start.CallbackUrl is { } callback)
        {
            body["callback_url"] = callback;
        }

        var answer = await vidu.SubmitAsync(start.Kind, body, CancellationToken.None);

        // The body (prompt, inline images of up to megabytes) is not needed again: a task is never submitted twice.
        state.State.Start = start with { UpstreamBody = "{}" };
        if (answer.Task is not { } task)
        {
            LogSubmitFailed(logger, TaskId, answer.Error!);
            await FinishAsync(VideoStatus.Failed, "failed", video: null, cover: null, error: answer.Error);
            return;
        }

        state.State.UpstreamTaskId = task.Id;
        await ApplyAsync(task);
        if (!IsDone)
        {
            ArmPoll(options.CurrentValue.PollPeriod);
        }
    }

    private void ArmPoll(TimeSpan due)
    {
        _poll?.Dispose();
        _poll = this.RegisterGrainTimer(
            static (grain, _) => grain.TickAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }

    private async Task TickAsync()
    {
        _poll?.Dispose();
        _poll = null;
        try
        {
            await PollAsync();
        }
        catch (Exception ex)
        {
            // A store or wallet that refused: start again from what the store holds, when the reminder next wakes the task.
            LogTickFailed(logger, ex, TaskId);
            DeactivateOnIdle();
            return;
        }

        if (!IsDone)
        {
            ArmPoll(options.CurrentValue.PollPeriod);
        }
    }

    /// <summary>One look at the task: settle a finished one still held, fail one past its deadline or interrupted mid-submit, else ask the upstream.</summary>
    private async Task PollAsync()
    {
        if (state.State.Start is null)
        {
            return;
        }

        if (state.State.IsFinished)
        {
            await SettleAsync();
            return;
        }

        if (clock.GetUtcNow() >= state.State.Deadline)
        {
            LogTimedOut(logger, TaskId);
            await FinishAsync(VideoStatus.Failed, "timeout", video: null, cover: null, error: $"timeout: the task did not finish within {options.CurrentValue.Timeout}");
            return;
        }

        if (state.State.UpstreamTaskId is not { } upstreamId)
        {
            await FinishAsync(VideoStatus.Failed, "failed", video: null, cover: null, error: "the submission was interrupted; whether the upstream took it is unknown");
            return;
        }

        var answer = await vidu.QueryAsync(upstreamId, CancellationToken.None);
        if (answer.Task is { } task && task.Id == upstreamId)
        {
            await ApplyAsync(task);
        }
        else
        {
            LogQueryFailed(logger, TaskId, answer.Error ?? "the answer names another task");
        }
    }

    private async Task ApplyAsync(ViduTask task)
    {
        switch (task.State)
        {
            case ViduTask.Success:
                state.State.Credits = task.Credits;
                await FinishAsync(VideoStatus.Succeeded, task.State, task.VideoUrl, task.CoverUrl, error: null);
                return;
            case ViduTask.Failed:
                state.State.Credits = task.Credits;
                await FinishAsync(VideoStatus.Failed, task.State, video: null, cover: null, error: task.ErrCode ?? "failed");
                return;
        }

        if (task.State != state.State.State || task.Progress != state.State.Progress || state.State.UpdatedAt == state.State.CreatedAt)
        {
            state.State.State = task.State;
            state.State.Progress = task.Progress ?? state.State.Progress;
            state.State.UpdatedAt = clock.GetUtcNow();
            await SaveAsync();
        }
    }

    /// <summary>The outcome is stored before the wallet is told, so it is never decided twice.</summary>
    private async Task FinishAsync(string status, string upstreamState, string? video, string? cover, string? error)
    {
        state.State.Status = status;
        state.State.State = upstreamState;
        state.State.Video = video;
        state.State.Cover = cover;
        state.State.Error = error;
        state.State.Progress = status == VideoStatus.Succeeded ? 100 : state.State.Progress;
        state.State.UpdatedAt = clock.GetUtcNow();
        await SaveAsync();
        LogFinished(logger, TaskId, status);
        await SettleAsync();
    }

    /// <summary>
    /// Settles a held reservation and stores that; a task already settled only has its catalog row written if this
    /// activation has not written it. The reminder is dropped once the row shows the settled task, and not before.
    /// </summary>
    private async Task SettleAsync()
    {
        if (state.State.Settlement == VideoSettlement.Held)
        {
            await SettleHeldAsync();
        }
        else
        {
            await ListAsync();
        }

        if (IsListed)
        {
            _poll?.Dispose();
            _poll = null;
            await ForgetReminderAsync();
        }
    }

    private async Task SettleHeldAsync()
    {
        var start = state.State.Start!;
        VideoSettlement settled;
        if (state.State.Status == VideoStatus.Succeeded)
        {
            var result = await Wallet.SettleAsync(ChargeKey, start.Order);
            settled = result.Succeeded ? VideoSettlement.Charged : VideoSettlement.Released;
            if (!result.Succeeded && result.Outcome is not WalletOutcome.AlreadyClosed and not WalletOutcome.UnknownCharge)
            {
                // The reserved amount is the order's amount, so this should not happen; never leave a hold behind.
                LogUnsettled(logger, TaskId, result.Outcome.ToString());
                await Wallet.ReleaseAsync(ChargeKey);
            }
        }
        else
        {
            var result = await Wallet.ReleaseAsync(ChargeKey);
            settled = result.Outcome is WalletOutcome.AlreadyClosed ? VideoSettlement.Charged : VideoSettlement.Released;
        }

        state.State.Settlement = settled;
        await SaveAsync();
        LogSettled(logger, TaskId, settled.ToString());
    }

    /// <summary>Stores the state, then its searchable copy when the copy would show something new.</summary>
    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        await ListAsync();
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private VideoTaskView View()
    {
        var s = state.State;
        return new VideoTaskView(TaskId, s.Start!.UserId, s.Status, s.State, s.Progress, s.Video, s.Cover, s.Error, s.Start.Order.UsageJson, s.CreatedAt, s.UpdatedAt, s.Settlement, s.Start.Order.Model);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video task {TaskId}: the submit failed: {Reason}")]
    private static partial void LogSubmitFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video task {TaskId}: the query failed, asking again later: {Reason}")]
    private static partial void LogQueryFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video task {TaskId}: callback for upstream task {UpstreamTaskId}")]
    private static partial void LogCallback(ILogger logger, string taskId, string upstreamTaskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video task {TaskId} timed out")]
    private static partial void LogTimedOut(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video task {TaskId} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, string taskId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video task {TaskId}: reservation {Settlement}")]
    private static partial void LogSettled(ILogger logger, string taskId, string settlement);

    [LoggerMessage(Level = LogLevel.Error, Message = "Video task {TaskId}: the wallet refused the settle ({Outcome}); the reservation is released")]
    private static partial void LogUnsettled(ILogger logger, string taskId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video task {TaskId}: a poll failed; it resumes from the stored state")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video task {TaskId} could not be added to its user's task list")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, string taskId);
}
