using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Auth;

/// <summary>
/// This node's copies of token records (mirror tokens, activation codes), by index key, so that a request with a
/// known bearer calls no grain before its user's. Only records that resolved are kept: a bearer that names nothing
/// costs its lookup every time, and a code issued a moment ago is found at once.
/// <para>
/// A changed record is pushed to every node (the token grain, through the pool hub, to <see cref="Pool.PoolFeed"/>),
/// which drops it here; a node the hub did not know drops everything. A lookup that overlaps a push must not store the
/// old record after the push removed it: the caller takes <see cref="Generation"/> before asking the grain, and an
/// answer is kept only while no push came since. <see cref="TokenCacheOptions.TimeToLive"/> bounds how long a node
/// that missed a push keeps a copy.
/// </para>
/// </summary>
public sealed class TokenRecordCache(IOptionsMonitor<TokenCacheOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Changes as each pushed change arrives; take it before asking the grain, hand it to <see cref="Remember"/>.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public int Count => _entries.Count;

    public bool TryGet(string indexKey, [NotNullWhen(true)] out TokenRecord? record)
    {
        if (_entries.TryGetValue(indexKey, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                record = entry.Record;
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create(indexKey, entry));
        }

        record = null;
        return false;
    }

    /// <summary>Keeps a record the grain answered, unless a change was pushed since <paramref name="generation"/> was taken.</summary>
    public void Remember(string indexKey, TokenRecord record, long generation)
    {
        var settings = options.CurrentValue;
        if (settings.TimeToLive <= TimeSpan.Zero || Generation != generation)
        {
            return;
        }

        // Starting over when full is simple and costs one grain call per bearer in use; Count takes every lock of the
        // dictionary, which a miss (already a grain call) can afford.
        if (_entries.Count >= settings.MaxEntries)
        {
            _entries.Clear();
        }

        var entry = new Entry(record, time.GetUtcNow() + settings.TimeToLive);
        _entries[indexKey] = entry;

        // A push that arrived while storing: it may have looked for the key before it was there.
        if (Generation != generation)
        {
            _entries.TryRemove(KeyValuePair.Create(indexKey, entry));
        }
    }

    /// <summary>A record changed (pushed): the next request asks its grain.</summary>
    public void Invalidate(string indexKey)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(indexKey, out _);
    }

    /// <summary>Pushed changes may have been missed: every record is asked for again.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(TokenRecord Record, DateTimeOffset Until);
}
