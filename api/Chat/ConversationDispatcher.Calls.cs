using System.Diagnostics;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Observability;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Chat;

public sealed partial class ConversationDispatcher
{
    /// <summary>
    /// Runs one upstream call that is no conversation turn (a file upload, a file download) on an account, with the
    /// turn's rules: a caller's own credential as it is; a bound account (the caller's, or the one that holds the file)
    /// once, with one renewal on a 401; otherwise pool accounts that fit <paramref name="model"/>, moving on after a 401
    /// that renewal does not cure, a 429 (the account cools down), a 5xx, a 403 or no answer. Never a free device id: these
    /// calls need a login. Nothing has reached the client while this runs.
    /// </summary>
    /// <returns>The value and the account that produced it (null for a caller's own credential), or the failure.</returns>
    public async Task<(T? Value, string? AccountId, GatewayFailure? Failure)> CallAsync<T>(Caller caller, ModelDefinition model, string? boundAccountId, Func<UpstreamCredential, CancellationToken, Task<UpstreamResult<T>>> call, CancellationToken cancellationToken)
    {
        if (caller.Kind is CallerKind.Direct)
        {
            var direct = await call(caller.Credential!, cancellationToken);
            return direct.IsSuccess ? (direct.Value, null, null) : (default, null, ToFailure(direct.Failure!, ownCredential: true));
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
                return (default, null, last ?? refusal);
            }

            using (slot)
            {
                tried.Add(slot.AccountId);
                var (value, failure, tryElsewhere) = await CallAccountAsync(slot.AccountId, model, call, ownCredential: caller.Kind is CallerKind.Account, cancellationToken);
                if (failure is null)
                {
                    return (value, slot.AccountId, null);
                }

                if (!tryElsewhere)
                {
                    return (default, null, failure);
                }

                LogFailover(logger, slot.AccountId, failure.Code, attempt + 1);
                last = failure;
            }
        }

        return (default, null, last);
    }

    /// <summary>
    /// One call as one account, under the rules every call on an account follows (a turn's start included): a 401 renews
    /// the token once (deduplicated in the grain) and retries; a second 401 marks the account expired; a 429 cools it
    /// down for the model. The failure says whether another account might do better (not when the upstream refused
    /// the request itself).
    /// </summary>
    private async Task<(T? Value, GatewayFailure? Failure, bool TryElsewhere)> CallAccountAsync<T>(string accountId, ModelDefinition model, Func<UpstreamCredential, CancellationToken, Task<UpstreamResult<T>>> call, bool ownCredential, CancellationToken cancellationToken, RequestRecord? record = null)
    {
        var account = grains.Get<IAccountGrain>(accountId);
        CredentialResult credential;
        try
        {
            credential = await GetCredentialAsync(account, accountId);
        }
        catch (Exception ex) when (GatewayFailure.IsClusterFailure(ex))
        {
            // The account's grain sits on a node that just died (until membership notices) or its store is away:
            // nothing was sent upstream, so another account may serve the request.
            LogAccountUnreachable(logger, accountId, ex.GetType().Name);
            return (default, GatewayFailure.AccountUnreachable(accountId), true);
        }

        if (!credential.Succeeded)
        {
            return (default, FromAccountError(credential, ownCredential), true);
        }

        var waitStarted = Stopwatch.GetTimestamp();
        var result = await call(ToUpstream(credential.Credential!), cancellationToken);
        record?.AddUpstreamWait(waitStarted);
        if (!result.IsSuccess && result.Failure!.Kind is UpstreamFailureKind.Unauthorized)
        {
            credential = await account.GetCredentialAsync(rejectedAccessToken: credential.Credential!.AccessToken.Value);
            credentials.Remember(accountId, credential);
            if (!credential.Succeeded)
            {
                return (default, FromAccountError(credential, ownCredential), true);
            }

            waitStarted = Stopwatch.GetTimestamp();
            result = await call(ToUpstream(credential.Credential!), cancellationToken);
            record?.AddUpstreamWait(waitStarted);
            if (!result.IsSuccess && result.Failure!.Kind is UpstreamFailureKind.Unauthorized)
            {
                credentials.Forget(accountId);
                await account.ReportUnauthorizedAsync("The upstream refused a freshly renewed access token.");
            }
        }

        if (result.IsSuccess)
        {
            return (result.Value, null, false);
        }

        var failure = result.Failure!;
        if (failure.Kind is not (UpstreamFailureKind.BadRequest or UpstreamFailureKind.NotFound))
        {
            metrics.UpstreamFailed(failure.Kind switch
            {
                UpstreamFailureKind.Unauthorized or UpstreamFailureKind.Forbidden => UpstreamFault.Rejected,
                UpstreamFailureKind.RateLimited => UpstreamFault.RateLimited,
                UpstreamFailureKind.Network => UpstreamFault.Connect,
                _ => UpstreamFault.ServerError,
            });
        }

        if (failure.Kind is UpstreamFailureKind.RateLimited)
        {
            var clearsIn = failure.ClearsIn ?? poolOptions.CurrentValue.DefaultCooldown;
            pool.CoolDown(accountId, model.Id, time.GetUtcNow() + clearsIn);
            await account.ReportRateLimitedAsync(model.Id, clearsIn);
        }

        return (default, ToFailure(failure, ownCredential), failure.Kind is not (UpstreamFailureKind.BadRequest or UpstreamFailureKind.NotFound));
    }
}
