using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Grains.Users;

/// <summary>
/// A mirror-API user: settings, tokens and limit windows. A grant is stored before it is answered, so neither a
/// node's death nor a duplicate activation can reset a window or let it overshoot (a duplicate's write is refused
/// by its ETag, and it re-reads). A new token is entered in the token index before the user's own record: if the
/// second write fails, the token was never handed out and its index entry is an unreachable orphan, never a token
/// that resolves to nothing.
/// </summary>
[GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> state,
    [PersistentState("user.windows")] IPersistentState<UserWindowsState> windows,
    UserTokens tokens,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time) : Grain, IUserGrain
{
    private string UserName => this.GetPrimaryKeyString();

    public async Task<UserSnapshot> ConfigureAsync(UserSettings settings)
    {
        state.State = state.State with
        {
            Limits = settings.Limits,
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
            throw new InvalidOperationException($"User {UserName} must be configured before tokens are issued.");
        }

        if (state.State.Tokens.FirstOrDefault(t => t.AccountId == accountId && t.Kind == kind) is { } existing)
        {
            return existing.Value.Value;
        }

        var token = tokens.Issue();
        var hash = tokens.IndexKey(token);
        var now = time.GetUtcNow();
        await GrainFactory.GetGrain<ITokenGrain>(hash).IssueAsync(new TokenRecord(UserName, accountId, kind, now));
        state.State = state.State with { Tokens = state.State.Tokens.Add(new UserToken(accountId, kind, new Secret(token), hash, now)) };
        await state.WriteStateAsync();
        return token;
    }

    public async Task<ActivationCodeIssue> IssueActivationCodeAsync(string code, ActivationCodeTerms terms)
    {
        var value = code;
        var hash = tokens.IndexKey(value);
        var now = time.GetUtcNow();
        var held = state.State.Tokens.FirstOrDefault(t => t.Hash == hash);
        var issuedAt = held?.IssuedAt ?? now;

        // The index entry first, as for every token: if the user's own write then fails, the code was never handed out.
        var entry = new TokenRecord(UserName, null, UserTokenKind.ActivationCode, issuedAt) { ExpiresAt = terms.ExpiresAt, Plan = terms.Plan };
        if (!await GrainFactory.GetGrain<ITokenGrain>(hash).IssueAsync(entry))
        {
            return new ActivationCodeIssue(null, null, "This activation code belongs to another user.");
        }

        var token = new UserToken(null, UserTokenKind.ActivationCode, new Secret(value), hash, issuedAt) { Plan = terms.Plan, ExpiresAt = terms.ExpiresAt };
        state.State = state.State with
        {
            Tokens = held is null ? state.State.Tokens.Add(token) : state.State.Tokens.Replace(held, token),
            LoggedOut = false,
            CreatedAt = state.RecordExists ? state.State.CreatedAt : now,
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.Key).AddAsync(UserName);
        return new ActivationCodeIssue(value, Info(token), null);
    }

    public async Task<bool> RevokeActivationCodeAsync(string code)
    {
        var hash = tokens.IndexKey(code);
        if (state.State.Tokens.FirstOrDefault(t => t.Hash == hash && t.Kind == UserTokenKind.ActivationCode) is not { } held)
        {
            return false;
        }

        // Revoked in the index first: from then on the code is refused, whatever happens to the write below.
        await GrainFactory.GetGrain<ITokenGrain>(hash).RevokeAsync();
        state.State = state.State with { Tokens = state.State.Tokens.Remove(held) };
        await state.WriteStateAsync();
        return true;
    }

    public async Task LogoutAsync()
    {
        if (!state.RecordExists)
        {
            return;
        }

        // Logged out first: from this write on the user is refused, whatever happens to the revocations below.
        state.State = state.State with { LoggedOut = true };
        await state.WriteStateAsync();
        foreach (var token in state.State.Tokens)
        {
            await GrainFactory.GetGrain<ITokenGrain>(token.Hash).RevokeAsync();
        }

        state.State = state.State with { Tokens = [] };
        await state.WriteStateAsync();
    }

    public async Task<LimitDecision> TryReserveAsync(string model, bool catalogued, string requestId)
    {
        if (!state.RecordExists || state.State.LoggedOut)
        {
            return LimitDecision.Deny(LimitRefusal.LoggedOut, $"User {UserName} is logged out.");
        }

        if (!catalogued && state.State.Limits.Length > 0)
        {
            return LimitDecision.Deny(LimitRefusal.ModelNotOffered,
                $"The model '{model}' is not offered by this gateway. Use one of the models listed by GET /v1/models.");
        }

        var limit = state.State.Limits.FirstOrDefault(l => string.Equals(l.ModelName, model, StringComparison.OrdinalIgnoreCase));
        if (limit is null)
        {
            return LimitDecision.Grant(LimitReservation.Unlimited, state.State.IsolatedSession);
        }

        var key = limit.ModelName.ToLowerInvariant();
        var now = time.GetUtcNow();
        var window = TimeSpan.FromMinutes(limit.EveryMinute);
        var live = windows.State.Windows.GetValueOrDefault(key, []).RemoveAll(g => g.At + window <= now);
        if (live.FirstOrDefault(g => g.RequestId == requestId) is { } earlier)
        {
            // Asked again for a request already granted (its first answer was lost): the same use, not another.
            return LimitDecision.Grant(new LimitReservation(key, earlier.Id), state.State.IsolatedSession);
        }

        if (live.Length >= limit.LimitCount)
        {
            return LimitDecision.Refuse(limit, live.Min(g => g.At) + window - now);
        }

        var id = windows.State.LastGrantId + 1;
        windows.State = windows.State with { Windows = windows.State.Windows.SetItem(key, live.Add(new Grant(id, now, requestId))), LastGrantId = id };
        await windows.WriteStateAsync();
        return LimitDecision.Grant(new LimitReservation(key, id), state.State.IsolatedSession);
    }

    public async Task ReleaseAsync(LimitReservation reservation)
    {
        if (reservation.Key.Length == 0 || !windows.State.Windows.TryGetValue(reservation.Key, out var grants))
        {
            return;
        }

        var remaining = grants.RemoveAll(g => g.Id == reservation.Id);
        if (remaining.Length != grants.Length)
        {
            windows.State = windows.State with { Windows = windows.State.Windows.SetItem(reservation.Key, remaining) };
            await windows.WriteStateAsync();
        }
    }

    private UserSnapshot Snapshot() =>
        new(UserName, state.State.Limits, state.State.IsolatedSession, state.State.LoggedOut, state.State.CreatedAt)
        {
            ActivationCodes = [.. state.State.Tokens.Where(t => t.Kind == UserTokenKind.ActivationCode).Select(Info)],
        };

    /// <summary>An activation code as listed: an id (the start of its index key) and its last four characters, never the code.</summary>
    private static ActivationCodeInfo Info(UserToken token) =>
        new(token.Hash[..16], token.Value.Value.Length > 8 ? "…" + token.Value.Value[^4..] : "…", token.Plan ?? "free", token.ExpiresAt, token.IssuedAt);
}
