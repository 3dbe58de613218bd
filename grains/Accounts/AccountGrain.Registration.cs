using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Registering credentials, as a merge over what is stored: tokens not given keep their stored values, use counts
/// and cool-downs are kept, and an operator's disable survives a re-login. A given refresh or session token is spent
/// here, inside the grain and under its renewal claim, never outside; the rotated token is stored before the new
/// access token is used for the account check.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>A given access token closer than this to expiry is not worth checking; the refresh or session token is spent instead.</summary>
    private static readonly TimeSpan UsableFor = TimeSpan.FromMinutes(2);

    private bool IsRegistered => state.RecordExists && state.State.AccessToken is not null;

    public async Task<AccountResult> RegisterAsync(AccountRegistration registration)
    {
        if (!registration.HasToken)
        {
            return AccountResult.Fail(AccountError.MissingToken, "Give an access token, a refresh token or a session token.");
        }

        await StoreUnsavedAsync(throwWhenDown: true);
        var now = time.GetUtcNow();
        AccessTokenClaims? claims = null;
        if (registration.AccessToken is { } given && !AccessTokenClaims.TryParse(given.Value, out claims))
        {
            return AccountResult.Fail(AccountError.InvalidToken, "The access token is not a ChatGPT access token (JWT).");
        }

        var deviceId = string.IsNullOrEmpty(state.State.DeviceId) ? Guid.NewGuid().ToString() : state.State.DeviceId;
        var access = claims is not null && claims.ExpiresAt > now + UsableFor ? registration.AccessToken : null;
        if (access is null)
        {
            var renewed = await RenewForRegistrationAsync(registration, deviceId);
            if (renewed.Failure is { } failed)
            {
                return failed;
            }

            access = renewed.AccessToken;
            AccessTokenClaims.TryParse(access!.Value.Value, out claims);
        }

        var teamAccountId = registration.TeamAccountId ?? state.State.TeamAccountId;
        var proxyUrl = ProxyOf(registration.ProxyUrl ?? state.State.ProxyUrl);
        var check = await upstream.CheckAccountAsync(new UpstreamCredential(AccountId, access.Value.Value, deviceId, teamAccountId, proxyUrl), CancellationToken.None);
        if (!check.IsSuccess && check.Failure.Kind is UpstreamFailureKind.Unauthorized)
        {
            return UpstreamRefusal.ToResult(check.Failure);
        }

        var (plan, banned, teamError) = check.IsSuccess
            ? ReadWorkspace(check.Value, teamAccountId, claims?.AccountId ?? state.State.UpstreamAccountId, claims?.PlanType ?? state.State.PlanType)
            : (claims?.PlanType ?? state.State.PlanType, false, null);
        if (teamError is not null)
        {
            return AccountResult.Fail(AccountError.InvalidToken, teamError);
        }

        await UpdateAsync(current => Merge(current, registration, access.Value, claims, deviceId, plan, banned, time.GetUtcNow()));
        var s = state.State;
        if (s.InPool)
        {
            await GrainFactory.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).AddAsync(AccountId);
            await EnsureReminderAsync();
        }

        LogRegistered(logger, AccountId, s.PlanType, s.TeamAccountId is not null, s.InPool, s.Status);
        return AccountResult.Ok(Snapshot(), new IssuedTokens(s.AccessToken!.Value, s.RefreshToken, s.SessionToken));
    }

    public async Task<AccountResult> EnsureRegisteredAsync(AccountRegistration registration)
    {
        if (!IsRegistered)
        {
            return await RegisterAsync(registration);
        }

        var s = state.State;
        return s.Status is AccountStatus.Expired && !s.CanRefresh
            ? AccountResult.Fail(AccountError.InvalidToken, s.StatusReason ?? "The account's tokens are no longer valid.")
            : AccountResult.Ok(Snapshot(), new IssuedTokens(s.AccessToken!.Value, null, null));
    }

    /// <summary>
    /// Spends the given refresh token (else the given session token, else the stored ones when only an expired
    /// access token was given) under the renewal claim, and stores what the exchange returned before anything
    /// uses the new access token.
    /// </summary>
    private async Task<(Secret? AccessToken, AccountResult? Failure)> RenewForRegistrationAsync(AccountRegistration registration, string deviceId)
    {
        var (refresh, session) = registration.RefreshToken is not null || registration.SessionToken is not null
            ? (registration.RefreshToken, registration.RefreshToken is null ? registration.SessionToken : null)
            : (state.State.RefreshToken, state.State.RefreshToken is null ? state.State.SessionToken : null);
        if (refresh is null && session is null)
        {
            return (null, AccountResult.Fail(AccountError.InvalidToken, "The access token has expired."));
        }

        var spent = await SpendAsync(refresh, session, static () => Task.FromResult<CredentialResult?>(null));
        if (spent.Decided is { } decided)
        {
            return (null, AccountResult.Fail(AccountError.UpstreamUnavailable, decided.Message!));
        }

        var exchange = spent.Exchange!;
        if (exchange.Failure is { } failure)
        {
            await UpdateAsync(s => s with { Renewal = null });
            return (null, UpstreamRefusal.ToResult(failure));
        }

        await StoreRenewedAsync(current => ApplyTokens(current, exchange, time.GetUtcNow()) with
        {
            Renewal = null,
            DeviceId = string.IsNullOrEmpty(current.DeviceId) ? deviceId : current.DeviceId,
            TeamAccountId = registration.TeamAccountId ?? current.TeamAccountId,
            ProxyUrl = registration.ProxyUrl ?? current.ProxyUrl,
            LastRefreshedAt = time.GetUtcNow(),
        });
        return (state.State.AccessToken, null);
    }

    /// <summary>The registration applied to whatever is stored now (the merge re-runs on a newer state after a conflict).</summary>
    private static AccountState Merge(AccountState current, AccountRegistration registration, Secret access, AccessTokenClaims? claims, string deviceId, string plan, bool banned, DateTimeOffset now)
    {
        var disabled = current.Status is AccountStatus.Disabled;
        var status = disabled ? AccountStatus.Disabled : banned ? AccountStatus.Banned : AccountStatus.Active;
        return current with
        {
            AccessToken = access,
            AccessTokenExpiresAt = claims?.ExpiresAt ?? current.AccessTokenExpiresAt,
            RefreshToken = access == current.AccessToken ? current.RefreshToken : registration.RefreshToken ?? current.RefreshToken,
            SessionToken = access == current.AccessToken ? current.SessionToken : registration.SessionToken ?? current.SessionToken,
            TeamAccountId = registration.TeamAccountId ?? current.TeamAccountId,
            ProxyUrl = registration.ProxyUrl ?? current.ProxyUrl,
            DeviceId = string.IsNullOrEmpty(current.DeviceId) ? deviceId : current.DeviceId,
            Email = claims?.Email ?? current.Email,
            UpstreamAccountId = claims?.AccountId ?? current.UpstreamAccountId,
            PlanType = plan,
            Status = status,
            StatusReason = disabled ? current.StatusReason : banned ? "The upstream reports the workspace as deactivated." : null,
            StatusChangedAt = status == current.Status && current.StatusChangedAt is not null ? current.StatusChangedAt : now,
            RateLimitedUntil = disabled ? current.RateLimitedUntil : null,
            InPool = current.InPool || registration.JoinPool,
            Renewal = null,
        };
    }

    /// <summary>
    /// The plan of the chosen workspace: the Team workspace named by <paramref name="teamAccountId"/>, else the
    /// personal account (the one the access token names, else the first non-workspace entry).
    /// </summary>
    private static (string Plan, bool Deactivated, string? Error) ReadWorkspace(AccountCheck check, string? teamAccountId, string? upstreamAccountId, string plan)
    {
        if (teamAccountId is { } team)
        {
            var workspace = check.Workspaces.FirstOrDefault(w => w.AccountId == team);
            return workspace is null
                ? (plan, false, $"The account has no workspace {team}.")
                : (workspace.PlanType, workspace.IsDeactivated, null);
        }

        var personal = check.Workspaces.FirstOrDefault(w => w.AccountId == upstreamAccountId)
            ?? check.Workspaces.FirstOrDefault(w => w.Structure != "workspace")
            ?? check.Workspaces.FirstOrDefault();
        return personal is null ? (plan, false, null) : (personal.PlanType, personal.IsDeactivated, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} registered: plan {Plan}, team workspace {HasTeam}, in pool {InPool}, status {Status}")]
    private static partial void LogRegistered(ILogger logger, string accountId, string plan, bool hasTeam, bool inPool, AccountStatus status);
}
