using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using MirrorGate.Grains.Tokens;

namespace MirrorGate.Api.Auth;

/// <summary>
/// This node's memo of bearer value → index key, the keyed hash a token's record is found by. A mirror token costs two
/// HMACs per request (its tag check and its index key), about 5 % of a relayed request's CPU, and both are fixed under
/// the node's secrets key: a value hashed once need not be hashed again.
/// <para>
/// A <c>mg-…</c> value is only remembered after its tag verified (<see cref="BearerResolver"/>), so a hit also stands
/// for a genuine tag; other values (an operator's own activation codes) are remembered on their first lookup, found or
/// not. Bounded: when full it starts over, so a flood of guessed values costs what it cost without the memo. The
/// values stay in this process's memory only, like the request that carried them; never logged, never stored.
/// </para>
/// </summary>
public sealed class BearerKeys(UserTokens userTokens)
{
    internal const int Capacity = 16_384;
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);
    private int _count;

    public bool TryGet(string bearer, [NotNullWhen(true)] out string? indexKey) =>
        _keys.TryGetValue(bearer, out indexKey);

    /// <summary>The index key of <paramref name="bearer"/>, from the memo or hashed now and remembered.</summary>
    public string IndexKey(string bearer)
    {
        if (_keys.TryGetValue(bearer, out var known))
        {
            return known;
        }

        var key = userTokens.IndexKey(bearer);

        // A counter of its own: ConcurrentDictionary.Count takes every lock of the dictionary.
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            _keys.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _keys[bearer] = key;
        return key;
    }

    internal int Count => _keys.Count;
}
