using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Hooks;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Api.Imports;
using MirrorGate.Api.Observability;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Chat;

/// <summary>
/// Admits a chat turn and starts it upstream (architecture steps 2–5): find a continued
/// conversation's owner and check the caller may continue it, take one use under the user's limit,
/// build the upstream body, ask the operator's audit hook about a user's turn (it may refuse it or replace the
/// body), dispatch, and queue the operator's notify delivery. The returned <see cref="ActiveTurn"/> settles the
/// turn (step 6).
/// </summary>
public sealed class ChatTurns(
    GrainReferences grains,
    ModelCatalog models,
    ConversationDispatcher dispatcher,
    TurnSettlement settlement,
    AuditHook audit,
    NotifyHook notify,
    GatewayMetrics metrics,
    IOptionsMonitor<ChatGptOptions> chatGpt)
{
    private const int ReserveAttempts = 3;

    private static readonly TimeSpan ReserveRetryPause = TimeSpan.FromMilliseconds(250);

    /// <param name="temporary">A temporary chat (<c>history_and_training_disabled</c>): the upstream keeps nothing, so neither does the gateway.</param>
    /// <param name="buildBody">Builds the upstream body once the continued conversation (if any) is known.</param>
    /// <param name="loginRequired">Only a logged-in account will do (speech): no fallback to free device ids.</param>
    /// <param name="fileAccountId">The account that holds the files the turn uses: the turn runs there, and nowhere else.</param>
    /// <param name="record">The request's record: the model, the account that answers and the upstream wait go into it.</param>
    public async Task<TurnStart> StartAsync(Caller caller, ModelDefinition model, string? conversationId, bool temporary, Func<ConversationRecord?, JsonObject> buildBody, CancellationToken cancellationToken, bool loginRequired = false, string? fileAccountId = null, RequestRecord? record = null)
    {
        if (caller.Plan is { } plan && !ModelCatalog.PlanFits(plan, model))
        {
            return TurnStart.Fail(new GatewayFailure(StatusCodes.Status403Forbidden, "model_not_in_plan",
                $"The model '{model.Id}' needs the {model.MinPlan} plan; this activation code allows {plan}."));
        }

        ConversationRecord? continued = null;
        ImportedContinuation? imported = null;
        if (conversationId is not null)
        {
            continued = await grains.Get<IConversationGrain>(conversationId).GetAsync();
            if (continued is null && caller.UserName is { } userName)
            {
                (imported, continued) = await FindImportedAsync(userName, conversationId);
            }

            if (imported is null && !MayContinue(caller, continued))
            {
                return TurnStart.Fail(GatewayFailure.ConversationNotFound(conversationId));
            }
        }

        if (fileAccountId is not null && continued?.AccountId is { } conversationAccount && conversationAccount != fileAccountId)
        {
            return TurnStart.Fail(new GatewayFailure(StatusCodes.Status400BadRequest, "file_not_on_conversation_account",
                "The files were uploaded to another upstream account than the one that holds this conversation; upload them again and continue the conversation, or start a new one."));
        }

        var requestId = TurnSettlement.NewRequestId();
        var user = caller.UserName is { } name ? grains.Get<IUserGrain>(name) : null;
        var admission = user is null ? null : await ReserveAsync(user, model, requestId);
        if (admission is { Granted: false })
        {
            var refused = LimitFailures.From(admission, model.Id);
            metrics.LimitRefused(refused.Code);
            return TurnStart.Fail(refused);
        }

        var body = Body(buildBody, continued, imported);
        DispatchResult dispatch;
        try
        {
            // After the use is taken (a user at the limit costs the hook nothing), before anything goes upstream.
            var audited = await audit.CheckAsync(caller, body, cancellationToken);
            if (audited.Body is null)
            {
                await ReleaseAsync(user, admission);
                return TurnStart.Fail(audited.Failure!);
            }

            body = audited.Body;
            dispatch = await dispatcher.StartAsync(caller, model, body, continued?.AccountId ?? fileAccountId, cancellationToken, loginRequired || fileAccountId is not null, record);
        }
        catch
        {
            // Nothing was served (the client went away, the database did): the use goes back.
            await ReleaseAsync(user, admission);
            throw;
        }

        if (dispatch.Turn is null)
        {
            await ReleaseAsync(user, admission);
            return TurnStart.Fail(dispatch.Failure!);
        }

        // Accepted: the delivery is queued while the answer streams; the turn waits for the queue only at its end.
        var notified = notify.EnqueueAsync(caller, body, requestId);
        return TurnStart.Ok(new ActiveTurn(settlement, requestId, dispatch.Turn, caller, model, user, admission?.Reservation, admission?.IsolatedSession ?? false, temporary, notified)
        {
            ContinuesImport = imported?.FirstTurn == true ? imported.Grain : null,
        });
    }

    /// <summary>
    /// A conversation imported for the user: continued before (its upstream conversation's record), or to be continued
    /// now for the first time (its history goes upstream with the new message).
    /// </summary>
    private async Task<(ImportedContinuation? Imported, ConversationRecord? Continued)> FindImportedAsync(string userName, string conversationId)
    {
        var grain = grains.Get<IImportedConversationGrain>(ImportedConversationKey.For(userName, conversationId));
        if (await grain.GetAsync() is not { } copy)
        {
            return (null, null);
        }

        if (copy.ContinuedAs is { } upstreamId && await grains.Get<IConversationGrain>(upstreamId).GetAsync() is { } record)
        {
            return (new ImportedContinuation(grain, copy, FirstTurn: false, upstreamId), record);
        }

        return (new ImportedContinuation(grain, copy, FirstTurn: true, null), null);
    }

    private JsonObject Body(Func<ConversationRecord?, JsonObject> buildBody, ConversationRecord? continued, ImportedContinuation? imported)
    {
        var body = buildBody(continued);
        if (imported is { FirstTurn: true })
        {
            ImportedHistory.Prepend(body, imported.Copy.PayloadJson, chatGpt.CurrentValue.Flow == ChatGptFlow.Newest ? "client-created-root" : Guid.NewGuid().ToString());
        }
        else if (imported is { UpstreamConversationId: { } upstreamId })
        {
            // The client names the imported conversation and a message of it; upstream it is the conversation that carries it on.
            body["conversation_id"] = upstreamId;
            body["parent_message_id"] = continued!.LastAssistantMessageId ?? body["parent_message_id"]?.DeepClone();
        }

        return body;
    }

    private sealed record ImportedContinuation(IImportedConversationGrain Grain, ImportedConversation Copy, bool FirstTurn, string? UpstreamConversationId);

    /// <summary>
    /// Takes the use, asking again with the same request id when the answer was lost to a silo that is going away
    /// (the grain may have stored the grant already: asking again returns it rather than taking a second use). A
    /// failure that outlasts the retries reaches the client as a 503.
    /// </summary>
    private async Task<LimitDecision> ReserveAsync(IUserGrain user, ModelDefinition model, string requestId)
    {
        var catalogued = models.TryGet(model.Id, out _);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await user.TryReserveAsync(model.Id, catalogued, requestId);
            }
            catch (Exception ex) when (attempt < ReserveAttempts && GatewayFailure.IsClusterFailure(ex) && ex is not MirrorGate.GrainInterfaces.Errors.StorageUnavailableException)
            {
                await Task.Delay(ReserveRetryPause * attempt);
            }
        }
    }


    private static async Task ReleaseAsync(IUserGrain? user, LimitDecision? admission)
    {
        if (user is not null && admission?.Reservation is { Key.Length: > 0 } reservation)
        {
            await user.ReleaseAsync(reservation);
        }
    }

    /// <summary>
    /// Whether the caller may continue a conversation. One the gateway never saw may only be continued
    /// by a caller with its own upstream credentials (raw token, own refresh or session token), whose
    /// account may well own it; sending it from the pool or a shared user token would land on an
    /// arbitrary account, or let a user into a conversation the account's owner made elsewhere.
    /// </summary>
    private static bool MayContinue(Caller caller, ConversationRecord? continued) => continued is null
        ? caller.Kind is CallerKind.Account or CallerKind.Direct
        : continued.MayContinue(caller.UserName) && (caller.AccountId is not { } own || own == continued.AccountId);
}

/// <summary>A started turn or the failure to answer with.</summary>
public sealed record TurnStart(ActiveTurn? Turn, GatewayFailure? Failure)
{
    public static TurnStart Ok(ActiveTurn turn) => new(turn, null);

    public static TurnStart Fail(GatewayFailure failure) => new(null, failure);
}
