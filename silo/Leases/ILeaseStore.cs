namespace MirrorGate.Silo.Leases;

/// <summary>
/// Named, expiring leases with fencing numbers: whoever holds lease "refresh:acct-1" is the only one
/// allowed to do that work until it expires. If the holder dies, the lease expires and another node
/// takes it with a larger fence, and work stamped with an older fence can be recognised as stale.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Takes the lease if it is free or expired; null when someone else holds it.</summary>
    ValueTask<Lease?> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease still held by its owner with the same fence; false when it was lost.</summary>
    ValueTask<bool> RenewAsync(Lease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives a lease up early. Does nothing if it was already lost.</summary>
    ValueTask ReleaseAsync(Lease lease, CancellationToken cancellationToken = default);
}

/// <summary>A held lease. <see cref="Fence"/> grows with every new holder of the same name.</summary>
public sealed record Lease(string Name, string Owner, long Fence, DateTimeOffset ExpiresAt);
