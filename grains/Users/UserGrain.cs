using System.Security.Cryptography;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Secrets;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Grains.Users;

/// <summary>
/// A mirror-API user. Limits are enforced in the shared rate-window store (exact across nodes); the
/// grain holds the settings and the tokens. A new token is entered in the token index before the
/// user's own record: if the second write fails, the token was never handed out and its index entry
/// is an unreachable orphan, never a token that resolves to nothing.
/// </summary>
[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> state,
    IGrainFactory grains,
    IRateWindowStore windows,
    ICounterStore counters,
    SecretProtector protector,
    TimeProvider time) : Grain, IUserGrain
{
    /// <summary>Every token MirrorGate issues to users starts with this, which is how a bearer is recognised as one.</summary>
    public const string TokenPrefix = "mg-";

    public async Task<UserSnapshot> ConfigureAsync(UserSettings settings)
    {
        state.State = state.State with
        {
            Limits = [.. settings.Limits],
            IsolatedSession = settings.IsolatedSession,
            LoggedOut = false,
            CreatedAt = state.RecordExists ? state.State.CreatedAt : time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return Snapshot();
    }

    public Task<UserSnapshot?> GetSnapshotAsync() => Task.FromResult(state.RecordExists ? Snapshot() : null);

    public async Task<string> GetOrCreateTokenAsync(string accountId, UserTokenKind kind)
    {
        if (!state.RecordExists)
        {
            throw new InvalidOperationException($"User {GrainKey} must be configured before tokens are issued.");
        }

        if (state.State.Tokens.FirstOrDefault(t => t.AccountId == accountId && t.Kind == kind) is { } existing)
        {
            return existing.Value.Value;
        }

        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = protector.LookupHash(token);
        var now = time.GetUtcNow();
        await grains.GetGrain<ITokenGrain>(hash).IssueAsync(new TokenRecord(GrainKey, accountId, kind, now));
        state.State = state.State with { Tokens = state.State.Tokens.Add(new UserToken(accountId, kind, new Secret(token), hash, now)) };
        await state.WriteStateAsync();
        return token;
    }

    public async Task LogoutAsync()
    {
        if (!state.RecordExists)
        {
            return;
        }

        foreach (var token in state.State.Tokens)
        {
            await grains.GetGrain<ITokenGrain>(token.Hash).RevokeAsync();
        }

        state.State = state.State with { Tokens = [], LoggedOut = true };
        await state.WriteStateAsync();
    }

    public async Task<LimitDecision> TryReserveAsync(string model)
    {
        if (!state.RecordExists || state.State.LoggedOut)
        {
            return LimitDecision.Deny($"User {GrainKey} is logged out.");
        }

        var limit = state.State.Limits.FirstOrDefault(l => string.Equals(l.ModelName, model, StringComparison.OrdinalIgnoreCase));
        if (limit is null)
        {
            return LimitDecision.Grant(LimitReservation.Unlimited, state.State.IsolatedSession);
        }

        var key = $"limit:{GrainKey}|{limit.ModelName.ToLowerInvariant()}";
        var reservation = await windows.TryReserveAsync(key, TimeSpan.FromMinutes(limit.EveryMinute), limit.LimitCount);
        return reservation.Granted
            ? LimitDecision.Grant(new LimitReservation(key, reservation.ReservationId), state.State.IsolatedSession)
            : LimitDecision.Refuse(limit, reservation.RetryAfter);
    }

    public async Task ReleaseAsync(LimitReservation reservation)
    {
        if (reservation.Key.Length > 0)
        {
            await windows.ReleaseAsync(reservation.Key, reservation.Id);
        }
    }

    public async Task<long> GetUseCountTodayAsync() => await counters.GetAsync(UserUseCounters.DayKey(GrainKey, time));

    private UserSnapshot Snapshot() =>
        new(GrainKey, state.State.Limits, state.State.IsolatedSession, state.State.LoggedOut, state.State.CreatedAt);
}
