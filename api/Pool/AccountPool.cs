using System.Collections.Concurrent;
using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Pool;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Pool;

/// <summary>
/// This node's view of the pooled accounts and its choice of account per request, entirely in memory: no database
/// and no grain is asked on a request's path. The snapshots are pushed by the account grains (through
/// <see cref="PoolFeed"/>) and swapped in whole; the in-flight counts are this node's own, exact, plus the other
/// nodes' last reported counts as a hint. An account fits when its plan serves the model and it is active and not
/// cooling down for it; among those the least loaded wins, ties rotating.
/// </summary>
public sealed class AccountPool(IOptionsMonitor<PoolOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private readonly ConcurrentDictionary<string, InFlightCounter> _inFlight = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, AccountSnapshot> _accounts = ImmutableDictionary<string, AccountSnapshot>.Empty;
    private ImmutableDictionary<string, (NodeLoad Load, DateTimeOffset ReceivedAt)> _otherNodes = ImmutableDictionary<string, (NodeLoad, DateTimeOffset)>.Empty;
    private ImmutableDictionary<string, int> _remoteHint = ImmutableDictionary<string, int>.Empty;
    private int _rotation;

    public IReadOnlyCollection<AccountSnapshot> Accounts => Volatile.Read(ref _accounts).Values.ToArray();

    public bool TryGet(string accountId, out AccountSnapshot snapshot) => Volatile.Read(ref _accounts).TryGetValue(accountId, out snapshot!);

    /// <summary>Takes in a newer snapshot of an account; an older revision than the one held is ignored.</summary>
    public void Publish(AccountSnapshot snapshot) =>
        ImmutableInterlocked.Update(ref _accounts, static (map, s) =>
            map.TryGetValue(s.AccountId, out var held) && held.Revision > s.Revision ? map
            : s.InPool ? map.SetItem(s.AccountId, s)
            : map.Remove(s.AccountId), snapshot);

    /// <summary>
    /// Marks a cool-down this node just heard of (an upstream 429) on its copy of the account at once, so the node's
    /// next pick already skips the account; the grain's pushed snapshot, of a higher revision, replaces the copy.
    /// </summary>
    public void CoolDown(string accountId, string model, DateTimeOffset until) =>
        ImmutableInterlocked.Update(ref _accounts, static (map, c) =>
            map.TryGetValue(c.AccountId, out var held) && !(held.Cooldowns.TryGetValue(c.Model, out var current) && current >= c.Until)
                ? map.SetItem(c.AccountId, held with { Cooldowns = held.Cooldowns.SetItem(c.Model, c.Until) })
                : map, (AccountId: accountId, Model: model, Until: until));

    public void Forget(string accountId) => ImmutableInterlocked.Update(ref _accounts, static (map, id) => map.Remove(id), accountId);

    /// <summary>Another node's in-flight counts, replacing its earlier report.</summary>
    public void ReportOtherNode(NodeLoad load)
    {
        var received = time.GetUtcNow();
        ImmutableInterlocked.Update(ref _otherNodes, static (map, l) => map.SetItem(l.Load.NodeId, l), (Load: load, ReceivedAt: received));
        RefreshRemoteLoad();
    }

    /// <summary>
    /// Sums the other nodes' reports that are young enough to trust into the hint a pick adds to local counts; a node
    /// that stopped reporting (it died) drops out. Runs on every report and on the feed's beat.
    /// </summary>
    public void RefreshRemoteLoad()
    {
        var oldest = time.GetUtcNow() - options.CurrentValue.LoadHintLifetime;
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (load, receivedAt) in Volatile.Read(ref _otherNodes).Values)
        {
            if (receivedAt < oldest)
            {
                continue;
            }

            foreach (var (accountId, count) in load.InFlight)
            {
                sums[accountId] = sums.GetValueOrDefault(accountId) + count;
            }
        }

        Volatile.Write(ref _remoteHint, sums.ToImmutableDictionary(StringComparer.Ordinal));
    }

    /// <summary>This node's in-flight counts per account (zeros left out), for the other nodes.</summary>
    public ImmutableDictionary<string, int> LocalLoad() =>
        _inFlight.Where(c => c.Value.Value > 0).ToImmutableDictionary(c => c.Key, c => c.Value.Value, StringComparer.Ordinal);

    /// <summary>Requests in flight on <paramref name="accountId"/> from this node.</summary>
    public int InFlight(string accountId) => _inFlight.TryGetValue(accountId, out var counter) ? counter.Value : 0;

    /// <summary>Requests in flight on <paramref name="id"/> (an account or a channel key): this node's own plus the other nodes' last reports.</summary>
    public int Load(string id) => InFlight(id) + Volatile.Read(ref _remoteHint).GetValueOrDefault(id);

    /// <summary>Picks the best pooled account for <paramref name="model"/>, skipping <paramref name="exclude"/>, and takes a slot on it.</summary>
    /// <param name="preferredPlan">
    /// A plan type (<c>pro</c>, <c>team</c>, <c>plus</c>) to prefer: when an available account has it, only those are
    /// weighed; when none has, the others serve as usual. Null: no preference.
    /// </param>
    public PoolPick Pick(ModelDefinition model, IReadOnlySet<string> exclude, string? preferredPlan = null)
    {
        var now = time.GetUtcNow();
        var accounts = Volatile.Read(ref _accounts);
        List<AccountSnapshot>? available = null;
        DateTimeOffset? retryAt = null;
        foreach (var account in accounts.Values)
        {
            if (exclude.Contains(account.AccountId) || !ModelCatalog.PlanFits(account.PlanType, model) || account.Status is not (AccountStatus.Active or AccountStatus.RateLimited))
            {
                continue;
            }

            if (account.IsAvailable(model.Id, now))
            {
                (available ??= []).Add(account);
            }
            else if (account.CoolingUntil(model.Id, now) is { } until && (retryAt is null || until < retryAt))
            {
                retryAt = until;
            }
        }

        if (available is null)
        {
            return new PoolPick(null, retryAt is null ? PoolShortage.NoAccount : PoolShortage.AllCoolingDown, retryAt);
        }

        if (preferredPlan is not null && available.FindAll(a => string.Equals(a.PlanType, preferredPlan, StringComparison.OrdinalIgnoreCase)) is { Count: > 0 } preferred)
        {
            available = preferred;
        }

        // Least loaded first; the search starts at a rotating offset, so equally loaded accounts share the work.
        var hints = Volatile.Read(ref _remoteHint);
        var offset = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)available.Count);
        AccountSnapshot? best = null;
        var bestLoad = int.MaxValue;
        for (var i = 0; i < available.Count; i++)
        {
            var candidate = available[(offset + i) % available.Count];
            var load = InFlight(candidate.AccountId) + hints.GetValueOrDefault(candidate.AccountId);
            if (load < bestLoad)
            {
                (best, bestLoad) = (candidate, load);
            }
        }

        return PoolPick.Picked(TakeSlot(best!.AccountId));
    }

    /// <summary>Takes a slot on a given account (a mirror token's, a conversation owner's), for the in-flight count.</summary>
    public AccountSlot TakeSlot(string accountId) => new(accountId, _inFlight.GetOrAdd(accountId, static _ => new InFlightCounter()));
}
