using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// The configured pool proxies, this node's view of their health (an immutable snapshot, swapped whole), and the
/// assignment of an account to one of them.
/// </summary>
/// <remarks>
/// Assignment is rendezvous (highest-random-weight) hashing: each proxy scores <c>hash(account, proxy)</c> and the
/// highest healthy score wins. It needs no shared state, so every node agrees as long as their health views
/// agree; a proxy added to or removed from the pool, or going down, moves only the accounts it wins or won
/// (about 1/n of them), and they come back when it recovers. When no proxy is healthy the choice ignores health:
/// connecting directly could expose the node's own address, which is what the pool exists to avoid.
/// </remarks>
public sealed class ProxyPool
{
    private ImmutableDictionary<string, ProxyHealth> _health;

    public ProxyPool(IOptions<ProxyOptions> options)
    {
        var endpoints = ImmutableArray.CreateBuilder<ProxyEndpoint>();
        foreach (var entry in options.Value.Pool)
        {
            // Validated at start (ProxyOptionsValidator); an entry that fails here cannot reach a running node.
            if (ProxyEndpoint.TryParse(entry, out var endpoint, out _) && !endpoints.Any(e => e.Masked == endpoint!.Masked))
            {
                endpoints.Add(endpoint!);
            }
        }

        Endpoints = endpoints.ToImmutable();
        _health = Endpoints.ToImmutableDictionary(e => e.Masked, ProxyHealth.Unprobed, StringComparer.Ordinal);
    }

    public ImmutableArray<ProxyEndpoint> Endpoints { get; }

    public bool IsEmpty => Endpoints.IsEmpty;

    /// <summary>The latest health of every pool proxy, keyed by <see cref="ProxyEndpoint.Masked"/>.</summary>
    public ImmutableDictionary<string, ProxyHealth> Health => Volatile.Read(ref _health);

    /// <summary>Records probe results (a health check round or an admin's check), keeping the others.</summary>
    public void Publish(IEnumerable<ProxyHealth> results)
    {
        var list = results.ToList();
        ImmutableDictionary<string, ProxyHealth> current, next;
        do
        {
            current = Volatile.Read(ref _health);
            next = current.SetItems(list.Select(r => KeyValuePair.Create(r.Endpoint.Masked, r)));
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _health, next, current), current));
    }

    /// <summary>The pool proxy URL (with its credentials) of <paramref name="accountId"/>; null when the pool is empty.</summary>
    public string? AssignedTo(string accountId) => Pick(accountId)?.Url;

    /// <summary>The pool proxy of <paramref name="accountId"/>, healthy ones first; null when the pool is empty.</summary>
    public ProxyEndpoint? Pick(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (Endpoints.IsEmpty)
        {
            return null;
        }

        var health = Health;
        ProxyEndpoint? best = null, bestAny = null;
        ulong bestScore = 0, bestAnyScore = 0;
        foreach (var endpoint in Endpoints)
        {
            var score = Score(accountId, endpoint);
            if (bestAny is null || score > bestAnyScore)
            {
                (bestAny, bestAnyScore) = (endpoint, score);
            }

            if (health.GetValueOrDefault(endpoint.Masked)?.Ok != false && (best is null || score > bestScore))
            {
                (best, bestScore) = (endpoint, score);
            }
        }

        return best ?? bestAny;
    }

    /// <summary>
    /// A hash that is the same on every node and every run (string.GetHashCode is not). The proxy's masked URL is
    /// hashed, not its password, so changing a password does not move accounts.
    /// </summary>
    private static ulong Score(string accountId, ProxyEndpoint endpoint)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(accountId + "\n" + endpoint.Masked), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
