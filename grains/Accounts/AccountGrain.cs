using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Grains.Pool;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Leases;
using MirrorGate.Silo.Notifications;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Upstream.ChatGpt;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// One upstream ChatGPT account. Credentials and refresh live in <c>AccountGrain.Credentials.cs</c>,
/// registration in <c>AccountGrain.Registration.cs</c>; this file holds state changes and use counts.
/// Every change is published to this node's pool at once and announced to the other nodes.
/// </summary>
[GrainType("account")]
public sealed partial class AccountGrain(
    [PersistentState("account")] IPersistentState<AccountState> state,
    IChatGptClient upstream,
    ILeaseStore leases,
    ICounterStore counters,
    IChangeNotifier notifier,
    IGrainFactory grains,
    AccountPool pool,
    SiloIdentity node,
    TimeProvider time,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    public const string ChangeTopic = "account";

    public Task<AccountSnapshot?> GetSnapshotAsync() => Task.FromResult(state.RecordExists ? Snapshot() : null);

    public async Task ReportRateLimitedAsync(string? model, TimeSpan clearsIn)
    {
        if (!state.RecordExists)
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = now + (clearsIn > TimeSpan.Zero ? clearsIn : TimeSpan.FromMinutes(1));
        await UpdateAsync(s => model is null
            ? s with { Status = AccountStatus.RateLimited, StatusReason = "upstream rate limit", StatusChangedAt = now, RateLimitedUntil = until }
            : s with { Cooldowns = PruneCooldowns(s.Cooldowns, now).SetItem(model, Later(s.Cooldowns.GetValueOrDefault(model), until)) });
        LogRateLimited(logger, GrainKey, model ?? "*", until);
    }

    public async Task ReportUnauthorizedAsync(string reason)
    {
        if (state.RecordExists && state.State.Status is not (AccountStatus.Disabled or AccountStatus.Banned))
        {
            await SetStatusAsync(AccountStatus.Expired, reason);
        }
    }

    public async Task SetDisabledAsync(bool disabled, string? reason)
    {
        if (state.RecordExists)
        {
            await SetStatusAsync(disabled ? AccountStatus.Disabled : AccountStatus.Active, disabled ? reason ?? "disabled by operator" : null);
        }
    }

    public async Task<IReadOnlyDictionary<string, long[]>> GetHourlyUseAsync(int hours) =>
        UseCounters.ByModel(await counters.GetByPrefixAsync(UseCounters.Prefix(GrainKey)), UseCounters.HourOf(time), hours);

    private async Task SetStatusAsync(AccountStatus status, string? reason)
    {
        await UpdateAsync(s => s with { Status = status, StatusReason = reason, StatusChangedAt = time.GetUtcNow(), RateLimitedUntil = null });
        LogStatusChanged(logger, GrainKey, status, reason);
    }

    /// <summary>
    /// Applies <paramref name="change"/> and writes it. If another activation wrote first, re-reads and
    /// applies the change again to the newer state (re-read and re-decide), so neither write is lost.
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

    private async Task PublishAsync()
    {
        pool.Publish(Snapshot());
        await notifier.PublishAsync(ChangeTopic, GrainKey);
    }

    private AccountSnapshot Snapshot()
    {
        var s = state.State;
        return new AccountSnapshot(
            GrainKey, s.Email, s.PlanType, s.Status, s.StatusReason, s.StatusChangedAt, s.RateLimitedUntil,
            s.AccessTokenExpiresAt, s.TeamAccountId, s.CanRefresh, s.InPool, PruneCooldowns(s.Cooldowns, time.GetUtcNow()))
        {
            Revision = state.Version ?? 0,
        };
    }

    private static ImmutableDictionary<string, DateTimeOffset> PruneCooldowns(ImmutableDictionary<string, DateTimeOffset> cooldowns, DateTimeOffset now) =>
        cooldowns.Values.Any(until => until <= now) ? cooldowns.RemoveRange(cooldowns.Where(c => c.Value <= now).Select(c => c.Key)) : cooldowns;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} cools down for model {Model} until {Until}")]
    private static partial void LogRateLimited(ILogger logger, string accountId, string model, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} is now {Status}: {Reason}")]
    private static partial void LogStatusChanged(ILogger logger, string accountId, AccountStatus status, string? reason);
}
