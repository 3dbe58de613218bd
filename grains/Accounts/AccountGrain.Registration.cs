using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Silo.Secrets;
using MirrorGate.Silo.Upstream.ChatGpt;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Accounts;

/// <summary>Registering credentials: renew if needed, check the account upstream, store, publish.</summary>
public sealed partial class AccountGrain
{
    public async Task<AccountResult> RegisterAsync(AccountRegistration registration)
    {
        if (registration.AccessToken is null && registration.RefreshToken is null && registration.SessionToken is null)
        {
            return AccountResult.Fail(AccountError.MissingToken, "Give an access token, a refresh token or a session token.");
        }

        var now = time.GetUtcNow();
        var draft = state.State with
        {
            // Tokens not given keep their stored values: logging a user in with a fresh access token
            // must not drop the refresh token an earlier import stored for the same account.
            AccessToken = Secret.From(registration.AccessToken) ?? state.State.AccessToken,
            RefreshToken = Secret.From(registration.RefreshToken) ?? state.State.RefreshToken,
            SessionToken = Secret.From(registration.SessionToken) ?? state.State.SessionToken,
            TeamAccountId = registration.TeamAccountId ?? state.State.TeamAccountId,
            ProxyUrl = registration.ProxyUrl ?? state.State.ProxyUrl,
            DeviceId = string.IsNullOrEmpty(state.State.DeviceId) ? Guid.NewGuid().ToString() : state.State.DeviceId,
        };

        if (registration.AccessToken is { } given)
        {
            if (!AccessTokenClaims.TryParse(given, out var claims))
            {
                return AccountResult.Fail(AccountError.InvalidToken, "The access token is not a ChatGPT access token (JWT).");
            }

            draft = draft with { AccessTokenExpiresAt = claims.ExpiresAt, PlanType = claims.PlanType ?? draft.PlanType, Email = claims.Email ?? draft.Email, UpstreamAccountId = claims.AccountId };
        }

        if (draft.AccessToken is null || draft.AccessTokenExpiresAt <= now + RefreshAhead)
        {
            if (!draft.CanRefresh)
            {
                return AccountResult.Fail(AccountError.InvalidToken, "The access token has expired.");
            }

            var exchange = await ExchangeAsync(draft.RefreshToken?.Value, draft.SessionToken?.Value, draft.ProxyUrl);
            if (exchange.Failure is { } failure)
            {
                return UpstreamRefusal.ToResult(failure);
            }

            draft = ApplyTokens(draft, exchange, now) with { LastRefreshedAt = now };
        }

        var check = await upstream.CheckAccountAsync(new UpstreamCredential(GrainKey, draft.AccessToken!.Value.Value, draft.DeviceId, draft.TeamAccountId, draft.ProxyUrl), CancellationToken.None);
        if (!check.IsSuccess && check.Failure!.Kind is UpstreamFailureKind.Unauthorized)
        {
            return UpstreamRefusal.ToResult(check.Failure);
        }

        var (plan, banned, teamError) = check.IsSuccess ? ReadWorkspace(check.Value!, draft) : (draft.PlanType, false, null);
        if (teamError is not null)
        {
            return AccountResult.Fail(AccountError.InvalidToken, teamError);
        }

        draft = draft with
        {
            PlanType = plan,
            Status = banned ? AccountStatus.Banned : AccountStatus.Active,
            StatusReason = banned ? "The upstream reports the workspace as deactivated." : null,
            StatusChangedAt = now,
            RateLimitedUntil = null,
            InPool = registration.JoinPool,
        };

        await UpdateAsync(_ => draft);
        if (registration.JoinPool)
        {
            await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).AddAsync(GrainKey);
        }

        LogRegistered(logger, GrainKey, plan, draft.TeamAccountId is not null, draft.InPool);
        var s = state.State;
        return AccountResult.Ok(Snapshot(), new IssuedTokens(s.AccessToken!.Value.Value, s.RefreshToken?.Value, s.SessionToken?.Value));
    }

    public async Task<AccountResult> EnsureRegisteredAsync(AccountRegistration registration)
    {
        if (!state.RecordExists)
        {
            return await RegisterAsync(registration);
        }

        return state.State.Status is AccountStatus.Expired && !state.State.CanRefresh
            ? AccountResult.Fail(AccountError.InvalidToken, state.State.StatusReason ?? "The account's tokens are no longer valid.")
            : AccountResult.Ok(Snapshot(), new IssuedTokens(state.State.AccessToken?.Value ?? string.Empty, null, null));
    }

    /// <summary>
    /// The plan of the chosen workspace: the Team workspace named by <see cref="AccountState.TeamAccountId"/>,
    /// else the personal account (the one the access token names, else the first non-workspace entry).
    /// </summary>
    private static (string Plan, bool Deactivated, string? Error) ReadWorkspace(AccountCheck check, AccountState s)
    {
        if (s.TeamAccountId is { } team)
        {
            var workspace = check.Workspaces.FirstOrDefault(w => w.AccountId == team);
            return workspace is null
                ? (s.PlanType, false, $"The account has no workspace {team}.")
                : (workspace.PlanType, workspace.IsDeactivated, null);
        }

        var personal = check.Workspaces.FirstOrDefault(w => w.AccountId == s.UpstreamAccountId)
            ?? check.Workspaces.FirstOrDefault(w => w.Structure != "workspace")
            ?? check.Workspaces.FirstOrDefault();
        return personal is null ? (s.PlanType, false, null) : (personal.PlanType, personal.IsDeactivated, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} registered: plan {Plan}, team workspace {HasTeam}, in pool {InPool}")]
    private static partial void LogRegistered(ILogger logger, string accountId, string plan, bool hasTeam, bool inPool);
}
