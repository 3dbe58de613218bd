using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Silo.Secrets;
using MirrorGate.Silo.Upstream.ChatGpt;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Handing out access tokens and renewing them.
/// </summary>
/// <remarks>
/// Exactly-one refresh: within a node, the grain's turns are serial, so 50 concurrent callers queue
/// behind the first, which refreshes; the rest find a fresh token. Across nodes, a lease named after
/// the account lets one node refresh; after taking it the grain re-reads its state, because another
/// node may have refreshed (and rotated the refresh token) a moment earlier. A rotated refresh or
/// session token is written before the new access token leaves this grain: if the write failed after
/// the upstream consumed the old token, the account would be lost, so the write re-reads and retries.
/// </remarks>
public sealed partial class AccountGrain
{
    /// <summary>A token this close to expiry is renewed before use.</summary>
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Term of the refresh lease. Fencing cannot take back an upstream call that spent a refresh token,
    /// so the term must outlast the whole exchange (ChatGpt:RequestTimeout is 60 s per call by default);
    /// otherwise a second node could take the lease over and spend the same token, which makes the
    /// upstream revoke the family. A holder releases it as soon as the exchange is stored.
    /// </summary>
    private static readonly TimeSpan RefreshLeaseDuration = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan LeaseWaitStep = TimeSpan.FromMilliseconds(200);

    private const int LeaseWaitSteps = 50;

    public async Task<CredentialResult> GetCredentialAsync(string? rejectedAccessToken = null) =>
        await DecideWithoutRefreshAsync(rejectedAccessToken) ?? await RefreshUnderLeaseAsync(rejectedAccessToken);

    /// <summary>The answer when no renewal is needed or possible; null when the token must be renewed.</summary>
    private async Task<CredentialResult?> DecideWithoutRefreshAsync(string? rejectedAccessToken)
    {
        if (!state.RecordExists)
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

    private bool IsUsable(AccountState s, string? rejectedAccessToken) =>
        s.AccessToken is { } token
        && s.Status is AccountStatus.Active or AccountStatus.RateLimited
        && token.Value != rejectedAccessToken
        && (s.AccessTokenExpiresAt is null || s.AccessTokenExpiresAt > time.GetUtcNow() + RefreshAhead);

    private async Task<CredentialResult> RefreshUnderLeaseAsync(string? rejectedAccessToken)
    {
        var leaseName = "account-refresh:" + GrainKey;
        var lease = await leases.TryAcquireAsync(leaseName, node.NodeId, RefreshLeaseDuration);
        for (var step = 0; lease is null && step < LeaseWaitSteps; step++)
        {
            // Another node is refreshing this account; its result lands in storage.
            await Task.Delay(LeaseWaitStep, time);
            lease = await leases.TryAcquireAsync(leaseName, node.NodeId, RefreshLeaseDuration);
        }

        if (lease is null)
        {
            return CredentialResult.Fail(AccountError.UpstreamUnavailable, "Another node is still refreshing this account.");
        }

        try
        {
            // Decide again on what is stored now: another node may have renewed the token, or an
            // operator disabled the account, while this one waited for the lease.
            await state.ReadStateAsync();
            return await DecideWithoutRefreshAsync(rejectedAccessToken) ?? await RefreshAsync();
        }
        finally
        {
            await leases.ReleaseAsync(lease);
        }
    }

    private async Task<CredentialResult> RefreshAsync()
    {
        var s = state.State;
        var exchange = await ExchangeAsync(s.RefreshToken?.Value, s.SessionToken?.Value, s.ProxyUrl);
        if (exchange.Failure is { } failure)
        {
            LogRefreshFailed(logger, GrainKey, failure.Kind, failure.StatusCode);
            if (failure.Kind is UpstreamFailureKind.Network or UpstreamFailureKind.ServerError or UpstreamFailureKind.RateLimited)
            {
                return CredentialResult.Fail(AccountError.UpstreamUnavailable, "The upstream could not renew the access token now: " + failure.Message);
            }

            await SetStatusAsync(AccountStatus.Expired, "Token renewal refused: " + failure.Message);
            return CredentialResult.Fail(AccountError.InvalidToken, "The account's refresh or session token is no longer valid.");
        }

        var now = time.GetUtcNow();
        await UpdateAsync(current => ApplyTokens(current, exchange, now) with
        {
            Status = current.Status is AccountStatus.Expired ? AccountStatus.Active : current.Status,
            StatusReason = current.Status is AccountStatus.Expired ? null : current.StatusReason,
            StatusChangedAt = current.Status is AccountStatus.Expired ? now : current.StatusChangedAt,
            LastRefreshedAt = now,
        });
        LogRefreshed(logger, GrainKey, exchange.RotatedRefreshToken is not null, exchange.RotatedSessionToken is not null);
        return CredentialResult.Ok(Credential(state.State));
    }

    /// <summary>Gets a new access token from the refresh token, else from the session token.</summary>
    private async Task<TokenExchange> ExchangeAsync(string? refreshToken, string? sessionToken, string? proxyUrl)
    {
        if (refreshToken is not null)
        {
            var refreshed = await upstream.RefreshAsync(refreshToken, proxyUrl, CancellationToken.None);
            return refreshed.IsSuccess
                ? new TokenExchange(refreshed.Value!.AccessToken, refreshed.Value.RefreshToken, null, refreshed.Value.ExpiresAt, null)
                : new TokenExchange(null, null, null, null, refreshed.Failure);
        }

        var session = await upstream.ExchangeSessionTokenAsync(sessionToken!, proxyUrl, CancellationToken.None);
        return session.IsSuccess
            ? new TokenExchange(session.Value!.AccessToken, null, session.Value.SessionToken, null, null)
            : new TokenExchange(null, null, null, null, session.Failure);
    }

    private static AccountState ApplyTokens(AccountState s, TokenExchange exchange, DateTimeOffset now)
    {
        AccessTokenClaims.TryParse(exchange.AccessToken!, out var claims);
        return s with
        {
            AccessToken = new Secret(exchange.AccessToken!),
            AccessTokenExpiresAt = claims?.ExpiresAt ?? exchange.ExpiresAt ?? now + TimeSpan.FromDays(1),
            RefreshToken = exchange.RotatedRefreshToken is { } rt ? new Secret(rt) : s.RefreshToken,
            SessionToken = exchange.RotatedSessionToken is { } st ? new Secret(st) : s.SessionToken,
            PlanType = claims?.PlanType ?? s.PlanType,
            Email = s.Email ?? claims?.Email,
            UpstreamAccountId = s.UpstreamAccountId ?? claims?.AccountId,
        };
    }

    private AccountCredential Credential(AccountState s) =>
        new(GrainKey, s.AccessToken!.Value.Value, s.DeviceId, s.TeamAccountId, s.ProxyUrl);

    /// <summary>The result of a token exchange: new tokens, or why there are none.</summary>
    private sealed record TokenExchange(string? AccessToken, string? RotatedRefreshToken, string? RotatedSessionToken, DateTimeOffset? ExpiresAt, UpstreamFailure? Failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} renewed its access token (refresh token rotated: {RefreshRotated}, session token rotated: {SessionRotated})")]
    private static partial void LogRefreshed(ILogger logger, string accountId, bool refreshRotated, bool sessionRotated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} failed to renew its access token: {Kind} (HTTP {Status})")]
    private static partial void LogRefreshFailed(ILogger logger, string accountId, UpstreamFailureKind kind, int? status);
}
