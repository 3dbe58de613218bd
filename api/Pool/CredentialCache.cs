using System.Collections.Concurrent;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Pool;

/// <summary>
/// This node's copy of the access tokens its account grains handed out, so that a request does not call the account's
/// grain (often on another silo) before every upstream call. A copy is reused only while the pool's pushed snapshot
/// of the account is usable and shows the same token expiry (a renewal or a re-registration changes it, a disable or
/// ban changes the status), the token is not about to expire, and the copy is younger than
/// <see cref="PoolOptions.CredentialReuse"/>. The grain stays the only place that renews: a 401 from the upstream
/// goes to the grain with the rejected token, whose answer replaces the copy.
/// </summary>
public sealed class CredentialCache(AccountPool pool, IOptionsMonitor<PoolOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    /// <summary>The grain refuses to hand out a token this close to its expiry; the copy stops being used earlier.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string accountId, out AccountCredential credential)
    {
        credential = null!;
        if (!_entries.TryGetValue(accountId, out var entry) || !pool.TryGet(accountId, out var snapshot))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var fresh = now - entry.TakenAt < options.CurrentValue.CredentialReuse
            && snapshot.Status is AccountStatus.Active or AccountStatus.RateLimited
            && snapshot.AccessTokenExpiresAt == entry.Credential.ExpiresAt
            && (entry.Credential.ExpiresAt is null || entry.Credential.ExpiresAt > now + ExpiryMargin);
        if (!fresh)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(accountId, entry));
            return false;
        }

        credential = entry.Credential;
        return true;
    }

    /// <summary>Keeps what the grain answered: a credential to reuse, or nothing (a failure removes the copy).</summary>
    public void Remember(string accountId, CredentialResult result)
    {
        if (result.Credential is { } credential && options.CurrentValue.CredentialReuse > TimeSpan.Zero)
        {
            _entries[accountId] = new Entry(credential, time.GetUtcNow());
        }
        else
        {
            _entries.TryRemove(accountId, out _);
        }
    }

    public void Forget(string accountId) => _entries.TryRemove(accountId, out _);

    private sealed record Entry(AccountCredential Credential, DateTimeOffset TakenAt);
}
