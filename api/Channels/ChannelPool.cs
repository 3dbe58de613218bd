using System.Collections.Frozen;
using System.Collections.Immutable;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Channels;

/// <summary>
/// This node's view of the channel keys, beside <see cref="AccountPool"/> and fed by the same pushes (the pool hub,
/// <see cref="PoolFeed"/>), and its choice of key per request, entirely in memory. Slots and load are the account
/// pool's: one in-flight count per id, reported to the other nodes with the accounts', so the other nodes' load on a
/// key counts here too. A pick takes the highest priority among the keys that serve the model and are usable now;
/// among those the lowest load per unit of weight (so a weight-3 key takes three requests for one of a weight-1 key),
/// then the higher weight, ties rotating.
/// </summary>
public sealed class ChannelPool(AccountPool accounts, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private ImmutableDictionary<string, ChannelKeySnapshot> _keys = ImmutableDictionary<string, ChannelKeySnapshot>.Empty;

    /// <summary>Per model, its keys (any status), highest priority first; rebuilt on every change, read on every request.</summary>
    private FrozenDictionary<string, ChannelTarget[]> _byModel = FrozenDictionary<string, ChannelTarget[]>.Empty;

    private readonly Lock _rebuild = new();
    private int _rotation;

    public IReadOnlyCollection<ChannelKeySnapshot> Keys => Volatile.Read(ref _keys).Values.ToArray();

    public bool TryGet(string keyId, out ChannelKeySnapshot snapshot) => Volatile.Read(ref _keys).TryGetValue(keyId, out snapshot!);

    /// <summary>Takes in a newer snapshot of a key; an older revision than the one held is ignored.</summary>
    public void Publish(ChannelKeySnapshot snapshot)
    {
        lock (_rebuild)
        {
            var keys = Volatile.Read(ref _keys);
            if (keys.TryGetValue(snapshot.KeyId, out var held) && held.Revision > snapshot.Revision)
            {
                return;
            }

            Rebuild(snapshot.InPool ? keys.SetItem(snapshot.KeyId, snapshot) : keys.Remove(snapshot.KeyId));
        }
    }

    public void Forget(string keyId)
    {
        lock (_rebuild)
        {
            Rebuild(Volatile.Read(ref _keys).Remove(keyId));
        }
    }

    /// <summary>Whether a key that is not rejected or disabled serves <paramref name="model"/> (cooling down counts: the answer is then a 429 from here).</summary>
    public bool Serves(string model) =>
        Volatile.Read(ref _byModel).TryGetValue(model, out var targets) && Array.Exists(targets, t => t.Snapshot.Status is ChannelKeyStatus.Active);

    /// <summary>Whether any key in the pool, usable or not, lists <paramref name="model"/>.</summary>
    public bool Knows(string model) => Volatile.Read(ref _byModel).ContainsKey(model);

    /// <summary>The models some usable key serves, for <c>/v1/models</c>.</summary>
    public IEnumerable<string> Models() => Volatile.Read(ref _byModel).Where(m => Array.Exists(m.Value, t => t.Snapshot.Status is ChannelKeyStatus.Active)).Select(m => m.Key);

    /// <summary>Picks a key for <paramref name="model"/>, skipping <paramref name="exclude"/> (keys tried already), and takes a slot on it.</summary>
    public ChannelPick Pick(string model, HashSet<string>? exclude)
    {
        if (!Volatile.Read(ref _byModel).TryGetValue(model, out var targets))
        {
            return new ChannelPick(null, null, PoolShortage.NoAccount, null);
        }

        var now = time.GetUtcNow();
        var topPriority = int.MinValue;
        DateTimeOffset? retryAt = null;
        foreach (var target in targets)
        {
            var key = target.Snapshot;
            if (key.Channel.Priority < topPriority)
            {
                break;
            }

            if (exclude?.Contains(key.KeyId) == true || key.Status is not ChannelKeyStatus.Active)
            {
                continue;
            }

            if (key.IsAvailable(model, now))
            {
                topPriority = key.Channel.Priority;
            }
            else if (key.CoolingUntil(model, now) is { } until && (retryAt is null || until < retryAt))
            {
                retryAt = until;
            }
        }

        if (topPriority == int.MinValue)
        {
            return new ChannelPick(null, null, retryAt is null ? PoolShortage.NoAccount : PoolShortage.AllCoolingDown, retryAt);
        }

        // Lowest load per weight within the top priority: compare load_a / weight_a with load_b / weight_b by cross
        // multiplication; the search starts at a rotating offset, so equal keys share the work.
        var offset = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)targets.Length);
        ChannelTarget? best = null;
        long bestLoad = 0;
        for (var i = 0; i < targets.Length; i++)
        {
            var candidate = targets[(offset + i) % targets.Length];
            var key = candidate.Snapshot;
            if (key.Channel.Priority != topPriority || exclude?.Contains(key.KeyId) == true || !key.IsAvailable(model, now))
            {
                continue;
            }

            long load = accounts.Load(key.KeyId);
            if (best is null)
            {
                (best, bestLoad) = (candidate, load);
                continue;
            }

            var order = (load * best.Weight).CompareTo(bestLoad * candidate.Weight);
            if (order < 0 || (order == 0 && candidate.Weight > best.Weight))
            {
                (best, bestLoad) = (candidate, load);
            }
        }

        return new ChannelPick(best, accounts.TakeSlot(best!.Snapshot.KeyId), PoolShortage.None, null);
    }

    private void Rebuild(ImmutableDictionary<string, ChannelKeySnapshot> keys)
    {
        var byModel = new Dictionary<string, List<ChannelTarget>>(StringComparer.Ordinal);
        foreach (var key in keys.Values)
        {
            var target = new ChannelTarget(key);
            foreach (var model in key.Channel.Models)
            {
                (byModel.TryGetValue(model, out var list) ? list : byModel[model] = []).Add(target);
            }
        }

        Volatile.Write(ref _keys, keys);
        Volatile.Write(ref _byModel, byModel.ToFrozenDictionary(
            m => m.Key,
            m => m.Value.OrderByDescending(t => t.Snapshot.Channel.Priority).ThenBy(t => t.Snapshot.KeyId, StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal));
    }
}

/// <summary>A key as the relay uses it: its snapshot and the upstream addresses, built once per change rather than per request.</summary>
public sealed class ChannelTarget
{
    public ChannelTarget(ChannelKeySnapshot snapshot)
    {
        Snapshot = snapshot;
        Weight = Math.Max(1, snapshot.Channel.Weight);
        var root = snapshot.Channel.BaseUrl.TrimEnd('/');
        ChatCompletions = new Uri(root + "/chat/completions");
        Completions = new Uri(root + "/completions");
        Embeddings = new Uri(root + "/embeddings");
        Responses = new Uri(root + "/responses");
    }

    public ChannelKeySnapshot Snapshot { get; }

    public int Weight { get; }

    public Uri ChatCompletions { get; }

    public Uri Completions { get; }

    public Uri Embeddings { get; }

    public Uri Responses { get; }

    public Uri For(ChannelEndpoint endpoint) => endpoint switch
    {
        ChannelEndpoint.ChatCompletions => ChatCompletions,
        ChannelEndpoint.Completions => Completions,
        ChannelEndpoint.Embeddings => Embeddings,
        _ => Responses,
    };
}

/// <summary>The OpenAI paths a channel relays.</summary>
public enum ChannelEndpoint
{
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
}

/// <summary>A key with a reserved slot, or why there is none (<see cref="RetryAt"/>: when the first cooling key comes back).</summary>
public readonly record struct ChannelPick(ChannelTarget? Target, AccountSlot? Slot, PoolShortage Shortage, DateTimeOffset? RetryAt);
