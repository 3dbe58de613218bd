using System.Collections.Immutable;
using System.Globalization;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Pool;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Storage;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.Proxies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// One upstream ChatGPT account. Renewal lives in <c>AccountGrain.Credentials.cs</c>, registration in
/// <c>AccountGrain.Registration.cs</c>, the timer and reminder that renew ahead of expiry in
/// <c>AccountGrain.Renewal.cs</c>; this file holds state changes and their publication. Every stored change is
/// pushed to every node's pool through the pool hub.
/// </summary>
[GrainType("account")]
public sealed partial class AccountGrain(
    [PersistentState("account")] IPersistentState<AccountState> state,
    IChatGptClient upstream,
    ProxyPool proxies,
    IOptions<AccountRenewalOptions> renewalOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain, IRemindable, IRetainsUnsavedState
{
    private AccountRenewalOptions Renewal => renewalOptions.Value;

    private string AccountId => this.GetPrimaryKeyString();

    public Task<AccountSnapshot?> GetSnapshotAsync() => Task.FromResult(IsRegistered ? Snapshot() : null);

    public async Task ReportRateLimitedAsync(string? model, TimeSpan clearsIn)
    {
        if (!IsRegistered)
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = now + (clearsIn > TimeSpan.Zero ? clearsIn : TimeSpan.FromMinutes(1));
        await UpdateAsync(s => model is null
            ? s with { Status = AccountStatus.RateLimited, StatusReason = "upstream rate limit", StatusChangedAt = now, RateLimitedUntil = until }
            : s with { Cooldowns = PruneCooldowns(s.Cooldowns, now).SetItem(model, Later(s.Cooldowns.GetValueOrDefault(model), until)) });
        LogRateLimited(logger, AccountId, model ?? "*", until);
    }

    public async Task ReportUnauthorizedAsync(string reason)
    {
        if (IsRegistered && state.State.Status is not (AccountStatus.Disabled or AccountStatus.Banned or AccountStatus.Expired))
        {
            await SetStatusAsync(AccountStatus.Expired, reason);
        }
    }

    public async Task SetDisabledAsync(bool disabled, string? reason)
    {
        if (IsRegistered)
        {
            await SetStatusAsync(disabled ? AccountStatus.Disabled : AccountStatus.Active, disabled ? reason ?? "disabled by operator" : null);
        }
    }

    private async Task SetStatusAsync(AccountStatus status, string? reason)
    {
        await UpdateAsync(s => s with { Status = status, StatusReason = reason, StatusChangedAt = time.GetUtcNow(), RateLimitedUntil = null });
        LogStatusChanged(logger, AccountId, status, reason);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored state, writes it and publishes the result. If another
    /// activation wrote first (a duplicate during a membership change), re-reads and applies the change again to
    /// the newer state, so neither write is lost; the change must therefore be a function of the state it is given.
    /// </summary>
    private async Task UpdateAsync(Func<AccountState, AccountState> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            state.State = change(state.State);
            try
            {
                await state.WriteStateAsync();
                break;
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                await state.ReadStateAsync();
            }
        }

        await PublishAsync();
    }

    /// <summary>
    /// Pushes the stored picture of the account to every node's pool. A lost push is not fatal: nodes reload
    /// their whole view when their hub subscription was lost, and on a slow period besides.
    /// </summary>
    private async Task PublishAsync()
    {
        ScheduleRenewalTimer();
        if (!IsRegistered)
        {
            // A renewal claim stored before the first registration finished: nothing to show yet.
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IPoolHubGrain>(IPoolHubGrain.Key).PublishAsync(Snapshot());
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex, AccountId);
        }
    }

    private AccountSnapshot Snapshot()
    {
        var s = state.State;
        return new AccountSnapshot(
            AccountId, s.Email, s.PlanType, s.Status, s.StatusReason, s.StatusChangedAt, s.RateLimitedUntil,
            s.AccessTokenExpiresAt, s.TeamAccountId, s.CanRefresh, s.InPool, PruneCooldowns(s.Cooldowns, time.GetUtcNow()))
        {
            Revision = long.TryParse(state.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0,
            CredentialMode = s.RefreshToken is not null ? "rt" : s.SessionToken is not null ? "rc" : "at",
        };
    }

    private static ImmutableDictionary<string, DateTimeOffset> PruneCooldowns(ImmutableDictionary<string, DateTimeOffset> cooldowns, DateTimeOffset now) =>
        cooldowns.Values.Any(until => until <= now) ? cooldowns.RemoveRange(cooldowns.Where(c => c.Value <= now).Select(c => c.Key)) : cooldowns;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} cools down for model {Model} until {Until}")]
    private static partial void LogRateLimited(ILogger logger, string accountId, string model, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} is now {Status}: {Reason}")]
    private static partial void LogStatusChanged(ILogger logger, string accountId, AccountStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not push its change to the pool hub; nodes catch up on their next reload")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string accountId);
}
