using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Models;
using MirrorGate.Silo.Counters;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Pool;

/// <summary>
/// This node's view of the pooled accounts, an immutable map swapped whole when an account changes,
/// and the choice of account per request: the plan fits the model, the account is active and not
/// cooling down for the model, and among those the one with the fewest requests in flight (counted in
/// the shared counter store, so the count is the cluster's, not this node's).
/// </summary>
public sealed class AccountPool(ICounterStore counters, IOptions<PoolOptions> options, TimeProvider time)
{
    private ImmutableDictionary<string, AccountSnapshot> _accounts = ImmutableDictionary<string, AccountSnapshot>.Empty;
    private int _rotation;

    public IReadOnlyCollection<AccountSnapshot> Accounts => Volatile.Read(ref _accounts).Values.ToArray();

    public bool TryGet(string accountId, out AccountSnapshot snapshot) => Volatile.Read(ref _accounts).TryGetValue(accountId, out snapshot!);

    /// <summary>Takes in a newer snapshot of an account; an older revision than the one held is ignored.</summary>
    public void Publish(AccountSnapshot snapshot) =>
        ImmutableInterlocked.Update(ref _accounts, static (map, s) =>
            map.TryGetValue(s.AccountId, out var held) && held.Revision > s.Revision ? map
            : s.InPool ? map.SetItem(s.AccountId, s)
            : map.Remove(s.AccountId), snapshot);

    public void Forget(string accountId) => ImmutableInterlocked.Update(ref _accounts, static (map, id) => map.Remove(id), accountId);

    /// <summary>Picks the best pooled account for <paramref name="model"/>, skipping <paramref name="exclude"/>, and reserves a slot on it.</summary>
    public async ValueTask<PoolPick> PickAsync(ModelDefinition model, IReadOnlySet<string> exclude, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var fitting = Volatile.Read(ref _accounts).Values
            .Where(a => !exclude.Contains(a.AccountId) && ModelCatalog.PlanFits(a.PlanType, model) && a.Status is AccountStatus.Active or AccountStatus.RateLimited)
            .ToList();
        var available = fitting.Where(a => a.IsAvailable(model.Id, now)).Select(a => CounterKey(a.AccountId)).ToList();
        if (available.Count == 0)
        {
            var retryAt = fitting.Select(a => a.CoolingUntil(model.Id, now)).Where(t => t is not null).Min();
            return new PoolPick(null, retryAt is null ? PoolShortage.NoAccount : PoolShortage.AllCoolingDown, retryAt);
        }

        // Start the tie-break at a rotating offset, so equally loaded accounts share the work.
        var offset = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)available.Count);
        var ordered = available.Skip(offset).Concat(available.Take(offset)).ToList();
        var chosen = await counters.IncrementSmallestAsync(ordered, options.Value.InFlightExpiry, cancellationToken);
        return chosen is null
            ? new PoolPick(null, PoolShortage.NoAccount, null)
            : PoolPick.Picked(new AccountSlot(chosen[CounterPrefix.Length..], this));
    }

    /// <summary>Reserves a slot on a given account (a mirror token's or a conversation owner's), for the in-flight count.</summary>
    public async ValueTask<AccountSlot> TakeSlotAsync(string accountId, CancellationToken cancellationToken = default)
    {
        await counters.AddAsync(CounterKey(accountId), 1, options.Value.InFlightExpiry, cancellationToken);
        return new AccountSlot(accountId, this);
    }

    internal async ValueTask ReleaseSlotAsync(string accountId) => await counters.AddAsync(CounterKey(accountId), -1, options.Value.InFlightExpiry);

    private const string CounterPrefix = "inflight:";

    private static string CounterKey(string accountId) => CounterPrefix + accountId;
}
