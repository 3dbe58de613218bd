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
/// The conversation's owner is recorded as soon as the upstream names the conversation, not at the
/// end: a client may send the next turn the instant it reads <c>[DONE]</c>, and that turn must find
/// its account. The write runs beside the stream and is awaited before the turn settles.
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

        var changed = identified.ConversationId != ConversationId || (identified.AssistantMessageId is not null && identified.AssistantMessageId != AssistantMessageId);
        ConversationId = identified.ConversationId;
        AssistantMessageId = identified.AssistantMessageId ?? AssistantMessageId;
        if (changed && !temporary && upstream.AccountId is { } accountId)
        {
            var turn = new ConversationTurn(accountId, caller.UserName, AssistantMessageId, isolatedSession);
            var conversation = grains.GetGrain<IConversationGrain>(identified.ConversationId);
            var previous = _recording;
            _recording = RecordAfterAsync(previous, conversation, turn);
        }
    }

    public async Task SucceedAsync()
    {
        _settled = true;
        await _recording;
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

    private static async Task RecordAfterAsync(Task previous, IConversationGrain conversation, ConversationTurn turn)
    {
        await previous;
        await conversation.RecordTurnAsync(turn);
    }
}
