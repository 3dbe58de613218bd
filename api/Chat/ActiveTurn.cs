using MirrorGate.Api.Auth;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Models;
using MirrorGate.Silo.Upstream.ChatGpt;

namespace MirrorGate.Api.Chat;

/// <summary>
/// A turn being answered. Exactly one settlement happens: <see cref="SucceedAsync"/> keeps the
/// user's reserved use and records usage; anything else (a broken stream, a client that went away,
/// an exception) gives the reservation back when the turn is disposed.
/// </summary>
/// <remarks>
/// The conversation's owner is recorded as soon as the upstream names the conversation and its
/// assistant message, not at the end: a client may send the next turn the instant it reads
/// <c>[DONE]</c>, and that turn must find its account. The write runs beside the stream and is
/// awaited before the turn settles.
/// </remarks>
public sealed class ActiveTurn(
    IGrainFactory grains,
    UpstreamTurn upstream,
    Caller caller,
    ModelDefinition model,
    IUserGrain? user,
    LimitReservation? reservation,
    bool isolatedSession,
    bool temporary) : IAsyncDisposable
{
    private bool _settled;
    private Task _recording = Task.CompletedTask;
    private string? _recordedMessageId;

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

    public async Task SucceedAsync()
    {
        _settled = true;
        await _recording;
        if (ConversationId is not null && (AssistantMessageId ?? string.Empty) != _recordedMessageId)
        {
            // No assistant id came early, or a later assistant message (after a tool step) ended the turn.
            await RecordAsync();
        }

        if (upstream.AccountId is { } accountId)
        {
            await grains.GetGrain<IAccountGrain>(accountId).RecordUseAsync(model.Id);
        }

        if (user is not null)
        {
            await user.RecordUseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _recording;
            if (!_settled && user is not null && reservation is not null)
            {
                await user.ReleaseAsync(reservation);
            }
        }
        finally
        {
            await upstream.DisposeAsync();
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

        return grains.GetGrain<IConversationGrain>(ConversationId)
            .RecordTurnAsync(new ConversationTurn(accountId, caller.UserName, AssistantMessageId, isolatedSession));
    }
}
