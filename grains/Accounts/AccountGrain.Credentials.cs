using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Storage;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.Proxies;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Handing out access tokens and renewing them.
/// </summary>
/// <remarks>
/// Exactly-once spending: the grain's one activation takes calls one at a time, so 90 concurrent callers queue
/// behind the first, which renews; the rest find a fresh token. During a membership change Orleans may briefly run
/// a second activation; before either spends a refresh token it stores a <see cref="RenewalClaim"/> with an
/// ETag-checked write, so the second one's claim is refused (it is dropped and re-reads) or it finds the first's
/// claim and waits. A rotated refresh or session token is stored before the new access token is used; if the store
/// is down, the tokens are kept in memory (never dropped) and the write is retried until it succeeds.
/// </remarks>
public sealed partial class AccountGrain
{
    /// <summary>This activation's id in the claims it stores.</summary>
    private readonly string _claimId = Guid.NewGuid().ToString("N");

    private RetainedWrite? _retained;

    /// <summary>Renewed tokens the store has not taken yet (it was down); they exist nowhere else.</summary>
    private RetainedWrite Retained => _retained ??= new RetainedWrite(this, logger, "Account " + AccountId);

    public bool HasUnsavedState => _retained?.Pending ?? false;

    public async Task<CredentialResult> GetCredentialAsync(string? rejectedAccessToken = null)
    {
        await StoreUnsavedAsync(throwWhenDown: true);
        return await DecideWithoutRenewalAsync(rejectedAccessToken) ?? await RenewAsync(state.State.RefreshToken, state.State.SessionToken, rejectedAccessToken);
    }

    /// <summary>The answer when no renewal is needed or possible; null when the token must be renewed.</summary>
    private async Task<CredentialResult?> DecideWithoutRenewalAsync(string? rejectedAccessToken)
    {
        if (!IsRegistered)
        {
            return CredentialResult.Fail(AccountError.Unusable, "The account is not registered.");
        }

        var s = state.State;
        if (s.Status is AccountStatus.Disabled or AccountStatus.Banned)
        {
            return CredentialResult.Fail(AccountError.Unusable, $"The account is {s.Status.ToString().ToLowerInvariant()}: {s.StatusReason}");
        }

        if (IsUsable(s, rejectedAccessToken))
        {
            return CredentialResult.Ok(Credential(s));
        }

        if (!s.CanRefresh)
        {
            var reason = rejectedAccessToken is null ? "The access token expired and there is no refresh or session token." : "The upstream rejected the access token and there is no refresh or session token.";
            if (s.Status != AccountStatus.Expired)
            {
                await SetStatusAsync(AccountStatus.Expired, reason);
            }

            return CredentialResult.Fail(AccountError.InvalidToken, reason);
        }

        return null;
    }

    /// <summary>Usable for a request now: valid, not rejected, and not about to expire within a request's time.</summary>
    private bool IsUsable(AccountState s, string? rejectedAccessToken) =>
        s.AccessToken is { } token
        && s.Status is AccountStatus.Active or AccountStatus.RateLimited
        && token.Value != rejectedAccessToken
        && (s.AccessTokenExpiresAt is null || s.AccessTokenExpiresAt > time.GetUtcNow() + TimeSpan.FromMinutes(2));

    /// <summary>
    /// Spends <paramref name="refreshToken"/> (else <paramref name="sessionToken"/>) under a stored claim, stores
    /// the new tokens, and returns the credential. <paramref name="rejectedAccessToken"/> is re-checked after the
    /// claim is stored: a duplicate activation may have renewed meanwhile.
    /// </summary>
    private async Task<CredentialResult> RenewAsync(Secret? refreshToken, Secret? sessionToken, string? rejectedAccessToken)
    {
        var spent = await SpendAsync(refreshToken, sessionToken, () => DecideWithoutRenewalAsync(rejectedAccessToken));
        if (spent.Decided is { } decided)
        {
            return decided;
        }

        var exchange = spent.Exchange!;
        if (exchange.Failure is { } failure)
        {
            LogRefreshFailed(logger, AccountId, failure.Kind, failure.StatusCode);
            if (IsTransient(failure))
            {
                await UpdateAsync(s => s with { Renewal = null });
                return CredentialResult.Fail(AccountError.UpstreamUnavailable, "The upstream could not renew the access token now: " + failure.Message);
            }

            var now = time.GetUtcNow();
            await UpdateAsync(s => s with
            {
                Renewal = null,
                Status = s.Status is AccountStatus.Disabled or AccountStatus.Banned ? s.Status : AccountStatus.Expired,
                StatusReason = s.Status is AccountStatus.Disabled or AccountStatus.Banned ? s.StatusReason : "Token renewal refused: " + failure.Message,
                StatusChangedAt = now,
            });
            LogStatusChanged(logger, AccountId, AccountStatus.Expired, failure.Message);
            return CredentialResult.Fail(AccountError.InvalidToken, "The account's refresh or session token is no longer valid.");
        }

        await StoreRenewedAsync(current => ApplyTokens(current, exchange, time.GetUtcNow()) with
        {
            Renewal = null,
            Status = current.Status is AccountStatus.Expired ? AccountStatus.Active : current.Status,
            StatusReason = current.Status is AccountStatus.Expired ? null : current.StatusReason,
            StatusChangedAt = current.Status is AccountStatus.Expired ? time.GetUtcNow() : current.StatusChangedAt,
            LastRefreshedAt = time.GetUtcNow(),
        });
        LogRefreshed(logger, AccountId, exchange.RotatedRefreshToken is not null, exchange.RotatedSessionToken is not null);
        return await DecideWithoutRenewalAsync(null) ?? CredentialResult.Fail(AccountError.UpstreamUnavailable, "The renewed access token is not usable.");
    }

    /// <summary>
    /// The fence: stores a claim naming this activation and the token about to be spent, then spends it. When
    /// another activation holds a live claim, or wins the race to store one, nothing is spent: the state is read
    /// again and <paramref name="decideAgain"/> answers from it (the other activation may have renewed already).
    /// </summary>
    private async Task<SpendOutcome> SpendAsync(Secret? refreshToken, Secret? sessionToken, Func<Task<CredentialResult?>> decideAgain)
    {
        var now = time.GetUtcNow();
        if (state.State.Renewal is { } held && held.ClaimId != _claimId && held.At + Renewal.ClaimTimeout > now)
        {
            LogClaimHeld(logger, AccountId);
            return new SpendOutcome(CredentialResult.Fail(AccountError.UpstreamUnavailable, "Another node is renewing this account's token right now; retry shortly."), null);
        }

        state.State = state.State with { Renewal = new RenewalClaim(_claimId, now, refreshToken, sessionToken), LastRenewalAttemptAt = now };
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation stored a newer state first: nothing was spent. Decide on what it stored.
            await state.ReadStateAsync();
            var decided = await decideAgain();
            return new SpendOutcome(decided ?? CredentialResult.Fail(AccountError.UpstreamUnavailable, "Another node is renewing this account's token right now; retry shortly."), null);
        }

        return new SpendOutcome(null, await ExchangeAsync(refreshToken, sessionToken, ProxyOf(state.State.ProxyUrl)));
    }

    /// <summary>
    /// Stores renewed tokens (<paramref name="change"/> applies them to whatever is stored). If the store is down
    /// they are held and retried (<see cref="RetainedWrite"/>), and the caller hears that the store is unavailable:
    /// the new access token is not handed out before it is stored.
    /// </summary>
    private Task StoreRenewedAsync(Func<AccountState, AccountState> change) => Retained.StoreAsync(() => UpdateAsync(change));

    /// <summary>Writes held renewed tokens first, if any (throws while the store is still down).</summary>
    private Task StoreUnsavedAsync(bool throwWhenDown = false) => Retained.RetryAsync(throwWhenDown);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Retained.FlushAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Gets a new access token from the refresh token, else from the session token.</summary>
    private async Task<TokenExchange> ExchangeAsync(Secret? refreshToken, Secret? sessionToken, string? proxyUrl)
    {
        if (refreshToken is { } refresh)
        {
            var refreshed = await upstream.RefreshAsync(refresh.Value, proxyUrl, CancellationToken.None);
            return refreshed.IsSuccess
                ? new TokenExchange(refreshed.Value.AccessToken, refreshed.Value.RefreshToken ?? refresh.Value, null, refreshed.Value.RefreshToken is not null, false, refreshed.Value.ExpiresAt, null, null)
                : TokenExchange.Failed(refreshed.Failure);
        }

        var session = await upstream.ExchangeSessionTokenAsync(sessionToken!.Value.Value, proxyUrl, CancellationToken.None);
        return session.IsSuccess
            ? new TokenExchange(session.Value.AccessToken, null, session.Value.SessionToken ?? sessionToken.Value.Value, false, session.Value.SessionToken is not null, null, session.Value.Email, null)
            : TokenExchange.Failed(session.Failure);
    }

    /// <summary>The state with the exchange's tokens: the spent token is replaced by its rotation, or kept when it was not rotated.</summary>
    private static AccountState ApplyTokens(AccountState s, TokenExchange exchange, DateTimeOffset now)
    {
        AccessTokenClaims.TryParse(exchange.AccessToken!, out var claims);
        return s with
        {
            AccessToken = new Secret(exchange.AccessToken!),
            AccessTokenExpiresAt = claims?.ExpiresAt ?? exchange.ExpiresAt ?? now + TimeSpan.FromDays(1),
            RefreshToken = exchange.RefreshToken is { } rt ? new Secret(rt) : s.RefreshToken,
            SessionToken = exchange.SessionToken is { } st ? new Secret(st) : s.SessionToken,
            PlanType = claims?.PlanType ?? s.PlanType,
            Email = s.Email ?? claims?.Email ?? exchange.Email,
            UpstreamAccountId = s.UpstreamAccountId ?? claims?.AccountId,
        };
    }

    private static bool IsTransient(UpstreamFailure failure) =>
        failure.Kind is UpstreamFailureKind.Network or UpstreamFailureKind.ServerError or UpstreamFailureKind.RateLimited;

    private AccountCredential Credential(AccountState s) => new(AccountId, s.AccessToken!.Value, s.DeviceId, s.TeamAccountId, ProxyOf(s.ProxyUrl)) { ExpiresAt = s.AccessTokenExpiresAt };

    /// <summary>
    /// The one place an account's proxy is decided, for every upstream call made as it (the credential the front end
    /// uses for chat, files, speech and voice; renewal; the check at registration): its own proxy, else its
    /// assignment in the node's proxy pool (<see cref="ProxyPool"/>: stable per account, healthy proxies first), else
    /// none. The assignment is not stored: it follows the pool's health and configuration.
    /// </summary>
    private string? ProxyOf(string? own) => own ?? proxies.AssignedTo(AccountId);

    /// <summary>A decision reached without spending (<see cref="Decided"/>), or the exchange that spent the token.</summary>
    private sealed record SpendOutcome(CredentialResult? Decided, TokenExchange? Exchange);

    /// <summary>
    /// The result of a token exchange: the new access token and the refresh or session token to keep (rotated,
    /// or the spent one when the upstream did not rotate it), or why there are none.
    /// </summary>
    private sealed record TokenExchange(string? AccessToken, string? RefreshToken, string? SessionToken, bool RefreshRotated, bool SessionRotated, DateTimeOffset? ExpiresAt, string? Email, UpstreamFailure? Failure)
    {
        public string? RotatedRefreshToken => RefreshRotated ? RefreshToken : null;

        public string? RotatedSessionToken => SessionRotated ? SessionToken : null;

        public static TokenExchange Failed(UpstreamFailure failure) => new(null, null, null, false, false, null, null, failure);

        public override string ToString() => $"TokenExchange {{ Succeeded = {Failure is null}, RefreshRotated = {RefreshRotated}, SessionRotated = {SessionRotated} }}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} renewed its access token (refresh token rotated: {RefreshRotated}, session token rotated: {SessionRotated})")]
    private static partial void LogRefreshed(ILogger logger, string accountId, bool refreshRotated, bool sessionRotated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} failed to renew its access token: {Kind} (HTTP {Status})")]
    private static partial void LogRefreshFailed(ILogger logger, string accountId, UpstreamFailureKind kind, int? status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} is being renewed by another activation; this one spends nothing")]
    private static partial void LogClaimHeld(ILogger logger, string accountId);

}
