using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Storage;
using MirrorGate.Grains.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Grains.Users;

/// <summary>
/// A mirror-API user: settings, tokens and limit windows. A grant is stored before it is answered, so neither a
/// node's death nor a duplicate activation can reset a window or let it overshoot (a duplicate's write is refused
/// by its ETag, and it re-reads). Admissions, settlements and releases interleave: each decides within one turn
/// (exact), and the grants of concurrent requests are stored by one write that all of them await (group commit). A new token is entered in the token index before the user's own record: if the
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
    /// <summary>The window of a tokens-per-minute limit.</summary>
    private static readonly TimeSpan TokenWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an unsettled request keeps its concurrency slot and token reservation. Its node may have died before
    /// settling; after this the slot is free again. Longer than any answer the gateway relays.
    /// </summary>
    private static readonly TimeSpan InFlightLease = TimeSpan.FromMinutes(30);

    /// <summary>Retry hint when only requests in flight stand in the way: they end on their own time.</summary>
    private static readonly TimeSpan RetryBusy = TimeSpan.FromSeconds(1);

    /// <summary>The longest a node may hand out a lease's uses: a limit the operator lowers reaches every node within it.</summary>
    private static readonly TimeSpan MaxLeaseLifetime = TimeSpan.FromSeconds(10);

    /// <summary>The most uses one lease counts.</summary>
    private const int MaxLeaseBlock = 1024;

    /// <summary>The most leases the user keeps open (nodes × models); the oldest is forgotten beyond it, its uses stay counted.</summary>
    private const int MaxOpenLeases = 64;

    /// <summary>Grants, settlements and releases of concurrent requests stored by one write (see <see cref="GroupCommit"/>).</summary>
    private readonly GroupCommit _windowWrites = new(windows.WriteStateAsync);

    private string UserName => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A record stored before slices: its grants are counted in slices from now on (stored with the next grant).
        if (windows.State.Windows is { Count: > 0 } grants)
        {
            windows.State = windows.State with
            {
                Slices = grants.Aggregate(windows.State.Slices, (slices, model) => slices.SetItem(model.Key, UserWindows.FromGrants(model.Value))),
                Windows = null,
            };
        }

        return Task.CompletedTask;
    }

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
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.DirectoryKey).AddAsync(UserName);
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
        // A code the OAuth hook vouched for keeps its OAuth terms (preference, next check, hook token) under new terms.
        var entry = new TokenRecord(UserName, null, UserTokenKind.ActivationCode, issuedAt)
        {
            ExpiresAt = terms.ExpiresAt, Plan = terms.Plan, PreferredPlan = held?.PreferredPlan, RecheckAt = held?.RecheckAt, HookToken = held?.HookToken,
        };
        if (!await GrainFactory.GetGrain<ITokenGrain>(hash).IssueAsync(entry))
        {
            return new ActivationCodeIssue(null, null, "This activation code belongs to another user.");
        }

        var token = (held ?? new UserToken(null, UserTokenKind.ActivationCode, new Secret(value), hash, issuedAt)) with { Plan = terms.Plan, ExpiresAt = terms.ExpiresAt };
        state.State = state.State with
        {
            Tokens = held is null ? state.State.Tokens.Add(token) : state.State.Tokens.Replace(held, token),
            LoggedOut = false,
            CreatedAt = state.RecordExists ? state.State.CreatedAt : now,
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.Key).AddAsync(UserName);
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.DirectoryKey).AddAsync(UserName);
        return new ActivationCodeIssue(value, Info(token), null);
    }

    public async Task<OAuthSignInResult> SignInWithOAuthAsync(OAuthSignIn signIn)
    {
        var now = time.GetUtcNow();
        var hash = tokens.IndexKey(signIn.UserToken.Value);
        var held = state.State.Tokens.FirstOrDefault(t => t.Hash == hash);
        if (held is { BoundTo: not null })
        {
            return new OAuthSignInResult(null, "This bearer is an API key of this user, not a token to sign in with.");
        }

        var record = new TokenRecord(UserName, null, UserTokenKind.ActivationCode, held?.IssuedAt ?? now)
        {
            Plan = signIn.Plan, PreferredPlan = signIn.PreferredPlan, RecheckAt = signIn.RecheckAt, HookToken = signIn.ForceToken,
        };
        if (!await GrainFactory.GetGrain<ITokenGrain>(hash).IssueAsync(record))
        {
            return new OAuthSignInResult(null, "This token belongs to another user of this gateway.");
        }

        var list = Upsert(state.State.Tokens, held, OAuthToken(signIn.UserToken, hash, record));

        // The API key the hook names now stays bound to this bearer (renewed with it); one it named before goes.
        var keyHash = signIn.ApiKey is { } key ? tokens.IndexKey(key.Value) : null;
        foreach (var old in list.Where(t => t.BoundTo == hash && t.Hash != keyHash).ToList())
        {
            await GrainFactory.GetGrain<ITokenGrain>(old.Hash).RevokeAsync();
            list = list.Remove(old);
        }

        string? keyRefusal = null;
        if (signIn.ApiKey is { } apiKey && keyHash is not null && keyHash != hash)
        {
            var heldKey = list.FirstOrDefault(t => t.Hash == keyHash);
            var keyRecord = record with { IssuedAt = heldKey?.IssuedAt ?? now };
            if (heldKey is not null && heldKey.BoundTo != hash)
            {
                keyRefusal = "the API key is another credential of this user";
            }
            else if (!await GrainFactory.GetGrain<ITokenGrain>(keyHash).IssueAsync(keyRecord))
            {
                keyRefusal = "the API key belongs to another user";
            }
            else
            {
                list = Upsert(list, heldKey, OAuthToken(apiKey, keyHash, keyRecord) with { BoundTo = hash });
            }
        }

        state.State = state.State with
        {
            Tokens = list,
            Profile = signIn.Profile,
            LoggedOut = false,
            CreatedAt = state.RecordExists ? state.State.CreatedAt : now,
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.Key).AddAsync(UserName);
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.DirectoryKey).AddAsync(UserName);
        return new OAuthSignInResult(record, null, keyRefusal);
    }

    public async Task EndOAuthSignInAsync(string userToken)
    {
        var hash = tokens.IndexKey(userToken);
        var ended = state.State.Tokens.Where(t => (t.Hash == hash && t.RecheckAt is not null) || t.BoundTo == hash).ToList();
        if (ended.Count == 0)
        {
            return;
        }

        // Revoked in the index first, as for every revocation: refused from then on, whatever happens to the write.
        foreach (var token in ended)
        {
            await GrainFactory.GetGrain<ITokenGrain>(token.Hash).RevokeAsync();
        }

        state.State = state.State with { Tokens = state.State.Tokens.RemoveRange(ended) };
        await state.WriteStateAsync();
    }

    public Task<Secret?> GetOAuthUserTokenAsync(string credentialHash)
    {
        var held = state.State.Tokens.FirstOrDefault(t => t.Hash == credentialHash && t.RecheckAt is not null);
        var asked = held?.BoundTo is { } bound ? state.State.Tokens.FirstOrDefault(t => t.Hash == bound) : held;
        return Task.FromResult(asked?.Value);
    }

    public async Task<bool> RevokeActivationCodeAsync(string code)
    {
        var hash = tokens.IndexKey(code);
        if (state.State.Tokens.FirstOrDefault(t => t.Hash == hash && t.Kind == UserTokenKind.ActivationCode) is not { } held)
        {
            return false;
        }

        // Revoked in the index first: from then on the code is refused, whatever happens to the write below. API keys
        // the OAuth hook handed out with the code go with it.
        var revoked = state.State.Tokens.Where(t => t == held || t.BoundTo == hash).ToList();
        foreach (var token in revoked)
        {
            await GrainFactory.GetGrain<ITokenGrain>(token.Hash).RevokeAsync();
        }

        state.State = state.State with { Tokens = state.State.Tokens.RemoveRange(revoked) };
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

    public Task<LimitDecision> TryReserveAsync(string model, bool catalogued, string requestId) => AdmitAsync(model, catalogued, requestId, 0);

    public Task<LimitDecision> TryAdmitAsync(string model, bool catalogued, string requestId, int estimatedTokens) =>
        AdmitAsync(model, catalogued, requestId, Math.Max(0, estimatedTokens));

    /// <summary>
    /// One decision for every kind of limit of the model: messages per window, requests in flight, tokens per minute.
    /// All of them are decided and stored in this one activation before the answer, so they are exact under any load.
    /// </summary>
    private async Task<LimitDecision> AdmitAsync(string model, bool catalogued, string requestId, int estimatedTokens)
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
        var window = TimeSpan.FromMinutes(Math.Max(1, limit.EveryMinute));
        var w = windows.State;
        var live = UserWindows.Live(w.Slices.GetValueOrDefault(key, []), window, now);
        var inFlight = w.InFlight.GetValueOrDefault(key, []).RemoveAll(u => u.At + InFlightLease <= now);
        if (inFlight.FirstOrDefault(u => u.RequestId == requestId) is { } admitted)
        {
            // Asked again for a request already admitted (its first answer was lost): the same use, not another.
            return LimitDecision.Grant(new LimitReservation(key, admitted.GrantId) { Settles = true }, state.State.IsolatedSession);
        }

        if (w.Recent.FirstOrDefault(g => g.RequestId == requestId && g.Key == key) is { } earlier)
        {
            return LimitDecision.Grant(new LimitReservation(key, earlier.GrantId), state.State.IsolatedSession);
        }

        var counted = UserWindows.Count(live);
        if (limit.LimitCount > 0 && counted >= limit.LimitCount)
        {
            return LimitDecision.Refuse(limit, UserWindows.FirstFree(live, window) - now);
        }

        if (limit.MaxConcurrent > 0 && inFlight.Length >= limit.MaxConcurrent)
        {
            return LimitDecision.Refuse(LimitRefusal.ConcurrencyLimitReached, limit, RetryBusy,
                $"You already have {inFlight.Length} requests to {limit.ModelName} in flight, the most your limit allows.");
        }

        var spent = w.Spent.GetValueOrDefault(key, []).RemoveAll(t => t.At + TokenWindow <= now);
        if (limit.TokensPerMinute > 0)
        {
            // OpenAI's own rule: a request counts its prompt estimate and its maximum output against the budget up front.
            var need = Math.Max(1, estimatedTokens);
            var used = spent.Sum(t => (long)t.Tokens) + inFlight.Sum(u => (long)u.ReservedTokens);
            if (need > limit.TokensPerMinute)
            {
                return LimitDecision.Refuse(LimitRefusal.TokenLimitReached, limit, TokenWindow,
                    $"The request needs about {need} tokens, more than your limit of {limit.TokensPerMinute} tokens per minute for {limit.ModelName}.");
            }

            if (used + need > limit.TokensPerMinute)
            {
                return LimitDecision.Refuse(LimitRefusal.TokenLimitReached, limit, spent.IsEmpty ? RetryBusy : spent.Min(t => t.At) + TokenWindow - now,
                    $"Your limit of {limit.TokensPerMinute} tokens per minute for {limit.ModelName} has {Math.Max(0, limit.TokensPerMinute - used)} left; the request needs about {need}.");
            }
        }

        var id = w.LastGrantId + 1;
        windows.State = w with
        {
            Slices = limit.LimitCount > 0 ? w.Slices.SetItem(key, UserWindows.Add(live, window, now, id)) : w.Slices,
            Recent = UserWindows.Remember(w.Recent, new RecentGrant(requestId, key, id)),
            InFlight = limit.NeedsSettlement ? w.InFlight.SetItem(key, inFlight.Add(new InFlightUse(id, requestId, limit.TokensPerMinute > 0 ? Math.Max(1, estimatedTokens) : 0, now))) : w.InFlight,
            Spent = limit.TokensPerMinute > 0 ? w.Spent.SetItem(key, spent) : w.Spent,
            LastGrantId = id,
        };
        await _windowWrites.CommitAsync();
        return LimitDecision.Grant(new LimitReservation(key, id) { Settles = limit.NeedsSettlement }, state.State.IsolatedSession);
    }

    public async Task SettleAsync(LimitReservation reservation, int tokens)
    {
        var w = windows.State;
        if (reservation.Key.Length == 0 || !w.InFlight.TryGetValue(reservation.Key, out var inFlight) || !inFlight.Any(u => u.GrantId == reservation.Id))
        {
            // Settled or released before (a retried call), or never admitted under such a limit: nothing to count twice.
            return;
        }

        var now = time.GetUtcNow();
        var second = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset);
        var spent = w.Spent.GetValueOrDefault(reservation.Key, []).RemoveAll(t => t.At + TokenWindow <= now);
        if (tokens > 0)
        {
            spent = spent.Length > 0 && spent[^1].At == second
                ? spent.SetItem(spent.Length - 1, spent[^1] with { Tokens = spent[^1].Tokens + tokens })
                : spent.Add(new TokenSpend(second, tokens));
        }

        windows.State = w with
        {
            InFlight = w.InFlight.SetItem(reservation.Key, inFlight.RemoveAll(u => u.GrantId == reservation.Id)),
            Spent = w.Spent.SetItem(reservation.Key, spent),
        };
        await _windowWrites.CommitAsync();
    }

    public async Task ReleaseAsync(LimitReservation reservation)
    {
        var w = windows.State;
        if (reservation.Key.Length == 0)
        {
            return;
        }

        var slices = w.Slices.GetValueOrDefault(reservation.Key, []);
        var released = UserWindows.TryRelease(ref slices, reservation.Id);
        var inFlight = w.InFlight.GetValueOrDefault(reservation.Key, []);
        var stillInFlight = inFlight.RemoveAll(u => u.GrantId == reservation.Id);
        if (released || stillInFlight.Length != inFlight.Length)
        {
            windows.State = w with
            {
                Slices = released ? w.Slices.SetItem(reservation.Key, slices) : w.Slices,
                InFlight = stillInFlight.Length != inFlight.Length ? w.InFlight.SetItem(reservation.Key, stillInFlight) : w.InFlight,

                // Given back: a request asked again under the same id takes a use anew.
                Recent = w.Recent.RemoveAll(g => g.GrantId == reservation.Id),
            };
            await _windowWrites.CommitAsync();
        }
    }

    public async Task<LimitLease> LeaseAsync(LeaseRequest request)
    {
        var now = time.GetUtcNow();
        var returned = request.Returned is { } previous && GiveBack(previous);
        var lease = Lease(request, now);
        if (returned || lease.Kind is LeaseKind.Block)
        {
            await _windowWrites.CommitAsync();
        }

        return lease;
    }

    public async Task ReturnLeaseAsync(LeaseReturn returned)
    {
        if (GiveBack(returned))
        {
            await _windowWrites.CommitAsync();
        }
    }

    /// <summary>Decides a lease within this turn and, for a block, counts it in memory (the caller stores it).</summary>
    private LimitLease Lease(LeaseRequest request, DateTimeOffset now)
    {
        if (!state.RecordExists || state.State.LoggedOut)
        {
            return LimitLease.Refused(LimitDecision.Deny(LimitRefusal.LoggedOut, $"User {UserName} is logged out."));
        }

        if (!request.Catalogued && state.State.Limits.Length > 0)
        {
            return LimitLease.Refused(LimitDecision.Deny(LimitRefusal.ModelNotOffered,
                $"The model '{request.Model}' is not offered by this gateway. Use one of the models listed by GET /v1/models."));
        }

        var isolated = state.State.IsolatedSession;
        var expiresAt = now + (request.Lifetime < MaxLeaseLifetime ? request.Lifetime : MaxLeaseLifetime);
        var limit = state.State.Limits.FirstOrDefault(l => string.Equals(l.ModelName, request.Model, StringComparison.OrdinalIgnoreCase));
        if (limit is null || (limit.LimitCount <= 0 && !limit.NeedsSettlement))
        {
            return new LimitLease(LeaseKind.Unlimited, string.Empty, 0, 0, expiresAt, isolated);
        }

        if (limit.NeedsSettlement)
        {
            return new LimitLease(LeaseKind.PerRequest, string.Empty, 0, 0, expiresAt, isolated);
        }

        var key = limit.ModelName.ToLowerInvariant();
        var window = TimeSpan.FromMinutes(Math.Max(1, limit.EveryMinute));
        var w = windows.State;
        var live = UserWindows.Live(w.Slices.GetValueOrDefault(key, []), window, now);
        var counted = UserWindows.Count(live);
        if (counted >= limit.LimitCount)
        {
            return LimitLease.Refused(LimitDecision.Refuse(limit, UserWindows.FirstFree(live, window) - now));
        }

        // Half of what is left (at least one), so that another node asking next still finds room.
        var left = limit.LimitCount - counted;
        var count = Math.Clamp(Math.Min(request.Wanted, left / 2), 1, MaxLeaseBlock);
        var first = w.LastGrantId + 1;
        var slices = UserWindows.Add(live, window, now, first, count);

        // Leases whose uses left the window can no longer give anything back: forgotten, as are the oldest beyond the bound.
        var open = w.Leases.RemoveAll(l => l.Key == key && (slices.IsEmpty || l.LeaseId < slices[0].FirstId));
        open = (open.Length < MaxOpenLeases ? open : open.RemoveAt(0)).Add(new OpenLease(key, first, count, now));
        windows.State = w with { Slices = w.Slices.SetItem(key, slices), Leases = open, LastGrantId = first + count - 1 };
        return new LimitLease(LeaseKind.Block, key, first, count, expiresAt, isolated);
    }

    /// <summary>Gives back in memory what a lease left unused; false when the lease is unknown (returned before, or forgotten).</summary>
    private bool GiveBack(LeaseReturn returned)
    {
        var w = windows.State;
        var index = w.Leases.Length - 1;
        while (index >= 0 && !(w.Leases[index].Key == returned.Key && w.Leases[index].LeaseId == returned.LeaseId))
        {
            index--;
        }

        if (index < 0)
        {
            return false;
        }

        var lease = w.Leases[index];
        var slices = w.Slices.GetValueOrDefault(lease.Key, []);
        UserWindows.ReleaseLeased(ref slices, lease.LeaseId, Math.Clamp(returned.Unused, 0, lease.Count));
        windows.State = w with { Slices = w.Slices.SetItem(lease.Key, slices), Leases = w.Leases.RemoveAt(index) };
        return true;
    }

    private UserSnapshot Snapshot() =>
        new(UserName, state.State.Limits, state.State.IsolatedSession, state.State.LoggedOut, state.State.CreatedAt)
        {
            ActivationCodes = [.. state.State.Tokens.Where(t => t.Kind == UserTokenKind.ActivationCode).Select(Info)],
            Profile = state.State.Profile,
        };

    private static UserToken OAuthToken(Secret value, string hash, TokenRecord record) =>
        new(null, UserTokenKind.ActivationCode, value, hash, record.IssuedAt)
        {
            Plan = record.Plan, PreferredPlan = record.PreferredPlan, RecheckAt = record.RecheckAt, HookToken = record.HookToken,
        };

    private static ImmutableArray<UserToken> Upsert(ImmutableArray<UserToken> list, UserToken? held, UserToken token) =>
        held is null ? list.Add(token) : list.Replace(held, token);

    /// <summary>An activation code as listed: an id (the start of its index key) and its last four characters, never the code.</summary>
    private static ActivationCodeInfo Info(UserToken token) =>
        new(token.Hash[..16], token.Value.Value.Length > 8 ? "…" + token.Value.Value[^4..] : "…", token.Plan ?? "free", token.ExpiresAt, token.IssuedAt);
}
