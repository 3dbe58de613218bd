using System.Collections.Concurrent;

namespace MirrorGate.UpstreamSim.Accounts;

/// <summary>Server-side state of one account besides its public <see cref="SimAccount"/> view.</summary>
internal sealed class AccountRecord(SimAccount account)
{
    private readonly ConcurrentDictionary<string, bool> _revokedFamilies = new(StringComparer.Ordinal);
    private long _revokedBelowSerial;
    private long _lifetimeTicks = -1;

    public SimAccount Account { get; } = account;

    public string Email => Account.Email;

    /// <summary>Serialises token rotation so that "consume old, issue new" is one step per account.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The refresh-token family of the latest login (changed under <see cref="Gate"/>).</summary>
    public string FamilyId { get; set; } = "";

    /// <summary>Lifetime of access tokens minted for this account; null means the option's value.</summary>
    public TimeSpan? AccessTokenLifetime
    {
        get
        {
            var ticks = Interlocked.Read(ref _lifetimeTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }
        set => Interlocked.Exchange(ref _lifetimeTicks, value?.Ticks ?? -1);
    }

    /// <summary>Access tokens with a serial below this are revoked server-side although their <c>exp</c> is ahead.</summary>
    public long RevokedBelowSerial => Interlocked.Read(ref _revokedBelowSerial);

    public void RevokeAccessTokensBelow(long serial)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _revokedBelowSerial);
            if (seen >= serial)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _revokedBelowSerial, serial, seen) != seen);
    }

    public bool IsFamilyRevoked(string familyId) => _revokedFamilies.ContainsKey(familyId);

    public void RevokeFamily(string familyId) => _revokedFamilies[familyId] = true;
}
