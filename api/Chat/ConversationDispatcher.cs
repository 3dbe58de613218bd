using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.FreeAccounts;
using MirrorGate.Api.Observability;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Chat;

/// <summary>
/// Starts one upstream conversation turn for a caller, trying accounts until one answers, always
/// before any byte has gone to the client:
/// <list type="bullet">
/// <item>401: get a renewed token from the account grain (one refresh, however many requests saw
/// the 401) and retry that account once; a second 401 marks it expired and moves on;</item>
/// <item>429: the account cools down for the model until <c>clears_in</c>; move on;</item>
/// <item>5xx, 403, connection failure: move on;</item>
/// <item>400/404/422: the request itself is wrong; answer it without trying others.</item>
/// </list>
/// Pool callers may try up to <see cref="PoolOptions.MaxAttempts"/> accounts; a caller bound to one
/// account (user token, own refresh token, continued conversation) tries only that one.
/// </summary>
public sealed partial class ConversationDispatcher(
    GrainReferences grains,
    AccountPool pool,
    CredentialCache credentials,
    IChatGptClient upstream,
    IOptionsMonitor<PoolOptions> poolOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ConversationDispatcher> logger,
    FreeDevicePool free,
    GatewayMetrics metrics)
{
    /// <param name="loginRequired">The turn needs a logged-in account (speech): a pool caller never falls back to a free device id.</param>
    public async Task<DispatchResult> StartAsync(Caller caller, ModelDefinition model, JsonObject body, string? boundAccountId, CancellationToken cancellationToken, bool loginRequired = false, RequestRecord? record = null)
    {
        if (caller.Kind is CallerKind.Direct)
        {
            var direct = await upstream.StartConversationAsync(caller.Credential!, body, cancellationToken);
            return direct.IsSuccess ? DispatchResult.Started(new UpstreamTurn(direct.Value!, null, null)) : DispatchResult.Failed(ToFailure(direct.Failure!, ownCredential: true));
        }

        var accountId = caller.AccountId ?? boundAccountId;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var attempts = accountId is null ? poolOptions.CurrentValue.MaxAttempts : 1;
        GatewayFailure? last = null;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var (slot, refusal) = accountId is null ? Pick(model, tried, caller.PreferredPlan) : await TakeBoundAsync(accountId, model);
            if (slot is null)
            {
                return last is null && !loginRequired && caller.Kind is CallerKind.Pool && refusal!.Code == GatewayFailure.NoAccount(model.Id).Code
                    ? await StartFreeAsync(model, body, refusal, cancellationToken)
                    : DispatchResult.Failed(last ?? refusal!);
            }

            tried.Add(slot.AccountId);
            UpstreamTurn? turn;
            GatewayFailure? failure;
            bool tryElsewhere;
            try
            {
                // A 401 is the caller's to hear only when the credential is the caller's own; for a pool or
                // mirror-token caller a dead account is the gateway's problem (503), not a bad API key.
                (turn, failure, tryElsewhere) = await TryAccountAsync(slot, model, body, ownCredential: caller.Kind is CallerKind.Account, record, cancellationToken);
            }
            catch
            {
                // The client went away or the cluster did: the slot must not stay counted as in flight.
                slot.Dispose();
                throw;
            }

            if (turn is not null)
            {
                return DispatchResult.Started(turn);
            }

            slot.Dispose();
            if (!tryElsewhere)
            {
                return DispatchResult.Failed(failure!);
            }

            LogFailover(logger, slot.AccountId, failure!.Code, attempt + 1);
            last = failure;
        }

        return DispatchResult.Failed(last!);
    }

    /// <returns>The started turn, or the failure and whether another account might do better (not when the upstream refused the request itself).</returns>
    private async Task<(UpstreamTurn? Turn, GatewayFailure? Failure, bool TryElsewhere)> TryAccountAsync(AccountSlot slot, ModelDefinition model, JsonObject body, bool ownCredential, RequestRecord? record, CancellationToken cancellationToken)
    {
        var (stream, failure, tryElsewhere) = await CallAccountAsync(slot.AccountId, model, (credential, ct) => upstream.StartConversationAsync(credential, body, ct), ownCredential, cancellationToken, record);
        return failure is null ? (new UpstreamTurn(stream!, slot, slot.AccountId), null, false) : (null, failure, tryElsewhere);
    }

    /// <summary>
    /// Reads a conversation the gateway recorded on <paramref name="accountId"/> with that account's token
    /// (renewed once on a 401), or with a direct caller's own; for reading back an answer the upstream keeps.
    /// The caller's right to it is checked by whoever asks.
    /// </summary>
    public async Task<(JsonObject? Conversation, GatewayFailure? Failure)> ReadConversationAsync(Caller caller, string? accountId, string conversationId, CancellationToken cancellationToken)
    {
        var ownCredential = caller.Kind is CallerKind.Account or CallerKind.Direct;
        UpstreamResult<JsonObject> result;
        if (caller.Kind is CallerKind.Direct || accountId is null)
        {
            result = await upstream.GetConversationAsync(caller.Credential!, conversationId, cancellationToken);
        }
        else
        {
            var account = grains.Get<IAccountGrain>(accountId);
            var credential = await GetCredentialAsync(account, accountId);
            if (!credential.Succeeded)
            {
                return (null, FromAccountError(credential, ownCredential));
            }

            result = await upstream.GetConversationAsync(ToUpstream(credential.Credential!), conversationId, cancellationToken);
            if (!result.IsSuccess && result.Failure!.Kind is UpstreamFailureKind.Unauthorized)
            {
                credential = await account.GetCredentialAsync(rejectedAccessToken: credential.Credential!.AccessToken.Value);
                credentials.Remember(accountId, credential);
                if (!credential.Succeeded)
                {
                    return (null, FromAccountError(credential, ownCredential));
                }

                result = await upstream.GetConversationAsync(ToUpstream(credential.Credential!), conversationId, cancellationToken);
            }
        }

        return result.IsSuccess ? (result.Value, null) : (null, ToFailure(result.Failure!, ownCredential));
    }

    /// <summary>This node's copy of the account's token while it is good, else the grain's answer (kept for the next request).</summary>
    private async ValueTask<CredentialResult> GetCredentialAsync(IAccountGrain account, string accountId)
    {
        if (credentials.TryGet(accountId, out var cached))
        {
            return CredentialResult.Ok(cached);
        }

        var result = await account.GetCredentialAsync();
        credentials.Remember(accountId, result);
        return result;
    }

    private (AccountSlot? Slot, GatewayFailure? Refusal) Pick(ModelDefinition model, IReadOnlySet<string> tried, string? preferredPlan)
    {
        var pick = pool.Pick(model, tried, preferredPlan);
        return pick.Slot is not null ? (pick.Slot, null)
            : pick.Shortage is PoolShortage.AllCoolingDown ? (null, GatewayFailure.CoolingDown(model.Id, pick.RetryAt!.Value - time.GetUtcNow()))
            : (null, GatewayFailure.NoAccount(model.Id));
    }

    /// <summary>A bound account cooling down for the model is refused here, without asking the upstream again.</summary>
    private async Task<(AccountSlot? Slot, GatewayFailure? Refusal)> TakeBoundAsync(string accountId, ModelDefinition model)
    {
        var snapshot = pool.TryGet(accountId, out var pooled) ? pooled : await grains.Get<IAccountGrain>(accountId).GetSnapshotAsync();
        var now = time.GetUtcNow();
        if (snapshot?.CoolingUntil(model.Id, now) is { } until)
        {
            return (null, GatewayFailure.CoolingDown(model.Id, until - now));
        }

        return (pool.TakeSlot(accountId), null);
    }

    private static UpstreamCredential ToUpstream(AccountCredential c) => new(c.AccountId, c.AccessToken.Value, c.DeviceId, c.TeamAccountId, c.ProxyUrl);

    private static GatewayFailure FromAccountError(CredentialResult result, bool ownCredential) => result.Error switch
    {
        AccountError.UpstreamUnavailable => new(StatusCodes.Status502BadGateway, "upstream_unavailable", result.Message!),
        _ when ownCredential => new(StatusCodes.Status401Unauthorized, "upstream_token_invalid", result.Message!),
        _ => new(StatusCodes.Status503ServiceUnavailable, "account_unusable", result.Message!),
    };

    private static GatewayFailure ToFailure(UpstreamFailure failure, bool ownCredential) => failure.Kind switch
    {
        UpstreamFailureKind.RateLimited => new(StatusCodes.Status429TooManyRequests, failure.Code ?? "model_cap_exceeded", failure.Message, failure.ClearsIn),
        UpstreamFailureKind.Unauthorized when ownCredential => new(StatusCodes.Status401Unauthorized, "upstream_token_invalid", failure.Message),
        UpstreamFailureKind.Unauthorized => new(StatusCodes.Status503ServiceUnavailable, "account_unusable", failure.Message),
        UpstreamFailureKind.BadRequest => new(failure.StatusCode ?? StatusCodes.Status400BadRequest, failure.Code ?? "upstream_bad_request", failure.Message),
        UpstreamFailureKind.NotFound => new(StatusCodes.Status404NotFound, failure.Code ?? "not_found", failure.Message),
        // Aurora answers an upstream 5xx with the upstream's own status; no answer at all (or one not understood) is a 502.
        UpstreamFailureKind.ServerError when failure.StatusCode is >= 500 and <= 599 => new(failure.StatusCode.Value, "upstream_error", failure.Message),
        _ => new(StatusCodes.Status502BadGateway, "upstream_error", failure.Message),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not be reached ({Failure}); trying the next")]
    private static partial void LogAccountUnreachable(ILogger logger, string accountId, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not start the turn ({Code}) on attempt {Attempt}; trying the next")]
    private static partial void LogFailover(ILogger logger, string accountId, string code, int attempt);
}
