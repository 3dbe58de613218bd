using MirrorGate.Api.Auth;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Chat;

/// <summary>
/// A turn being answered. Exactly one settlement happens: <see cref="SucceedAsync"/> keeps the
/// user's reserved use and records usage; anything else (a broken stream, a client that went away,
/// an exception) gives the reservation back when the turn is disposed.
/// </summary>
/// <remarks>
/// The conversation's owner is recorded as soon as the upstream names the conversation and its
/// assistant message, while the answer streams on; the write is awaited when the turn succeeds, before
/// the finishing bytes go out. So a client that saw the end of an answer can continue the conversation
/// at once on any node of a cluster: the record is committed. (The write usually finishes long before
/// the answer does, so the wait costs nothing then.) The operator's notify delivery, queued as the turn started,
/// is awaited the same way: a client that saw the end of an answer can rely on the delivery being stored.
/// </remarks>
public sealed class ActiveTurn(
    TurnSettlement settlement,
    string requestId,
    UpstreamTurn upstream,
    Caller caller,
    ModelDefinition model,
    IUserGrain? user,
    LimitReservation? reservation,
    bool isolatedSession,
    bool temporary,
    Task notified) : IAsyncDisposable
{
    private bool _answered;
    private bool _settled;
    private Task _recording = Task.CompletedTask;
    private string? _recordedMessageId;

    /// <summary>An imported conversation this turn continues for the first time: it learns the upstream conversation that carries it on.</summary>
    public IImportedConversationGrain? ContinuesImport { get; init; }

    public ConversationStream Stream => upstream.Stream;

    public string? AccountId => upstream.AccountId;

    public string? ConversationId { get; private set; }

    public string? AssistantMessageId { get; private set; }

    /// <summary>Feeds every decoded upstream event through here.</summary>
    public void Observe(ConversationEvent upstreamEvent)
    {
        if (upstreamEvent is not ConversationIdentified identified)
        {
            return;
        }

        ConversationId = identified.ConversationId;
        AssistantMessageId = identified.AssistantMessageId ?? AssistantMessageId;
        if (_recordedMessageId is null && AssistantMessageId is not null)
        {
            _recording = RecordAsync();
        }
    }

    /// <summary>The idempotency key of this turn's use of a limit and of its usage record.</summary>
    private string RequestId { get; } = requestId;

    /// <summary>
    /// The turn was answered in full: keep the reserved use and record it. Call before the last bytes
    /// go out, so that a client that saw a complete answer can rely on its usage being stored.
    /// </summary>
    public async Task SucceedAsync(int promptTokens, int completionTokens)
    {
        _answered = true;

        // All must be stored before the finishing bytes; they do not depend on each other. The use is kept
        // only once its record and the notify delivery are stored: if either fails, the stream is aborted and
        // the use given back.
        await Task.WhenAll(
            FinishRecordingAsync(),
            settlement.RecordUsageAsync(RequestId, model.Id, upstream.AccountId, caller.UserName, promptTokens, completionTokens),
            notified);
        _settled = true;

        // A token or concurrency limit: the slot is freed and the estimate replaced by what was used.
        if (user is not null && reservation is { Settles: true })
        {
            await user.SettleAsync(reservation, promptTokens + completionTokens);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FinishRecordingAsync();
            await FinishNotifyingAsync();
            if (!_settled && user is not null && reservation is { Key.Length: > 0 })
            {
                await user.ReleaseAsync(reservation);
            }
        }
        finally
        {
            await upstream.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits for the early conversation write, and writes again if no assistant id came early or a
    /// later assistant message (after a tool step) ended the turn. The answer's content has already
    /// gone out, so a failure here is logged, not thrown into it. Runs at success and again (doing
    /// nothing more) at dispose, which covers turns that never succeeded.
    /// </summary>
    private async Task FinishRecordingAsync()
    {
        try
        {
            await _recording;
            if (_answered && ConversationId is not null && (AssistantMessageId ?? string.Empty) != _recordedMessageId)
            {
                await RecordAsync();
            }
        }
        catch (Exception ex)
        {
            settlement.ConversationNotRecorded(ex, ConversationId, upstream.AccountId);
        }
    }

    /// <summary>
    /// A turn that did not succeed was still accepted upstream, so its delivery stays queued; the queuing is waited
    /// for here so that it is not left running on its own. A failure was logged where it happened.
    /// </summary>
    private async Task FinishNotifyingAsync()
    {
        try
        {
            await notified;
        }
        catch (Exception)
        {
        }
    }

    /// <summary>One write per turn in the usual case: owner, user, privacy and the assistant message to continue from.</summary>
    private Task RecordAsync()
    {
        _recordedMessageId = AssistantMessageId ?? string.Empty;
        if (temporary || upstream.AccountId is not { } accountId || ConversationId is null)
        {
            return Task.CompletedTask;
        }

        var record = settlement.RecordConversationAsync(ConversationId, new ConversationTurn(accountId, caller.UserName, AssistantMessageId, isolatedSession || ContinuesImport is not null));
        return ContinuesImport is { } imported ? Task.WhenAll(record, imported.LinkAsync(ConversationId)) : record;
    }
}
