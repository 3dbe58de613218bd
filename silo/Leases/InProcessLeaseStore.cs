using System.Collections.Concurrent;

namespace MirrorGate.Silo.Leases;

/// <summary>Leases for one node on its own.</summary>
public sealed class InProcessLeaseStore(TimeProvider time) : ILeaseStore
{
    private readonly ConcurrentDictionary<string, Holder> _leases = new(StringComparer.Ordinal);

    public ValueTask<Lease?> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var holder = _leases.GetOrAdd(name, static _ => new Holder());
        lock (holder)
        {
            var now = time.GetUtcNow();
            if (holder.Current is { } current && current.ExpiresAt > now)
            {
                return ValueTask.FromResult<Lease?>(null);
            }

            holder.Fence++;
            holder.Current = new Lease(name, owner, holder.Fence, now + duration);
            return ValueTask.FromResult<Lease?>(holder.Current);
        }
    }

    public ValueTask<bool> RenewAsync(Lease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (!_leases.TryGetValue(lease.Name, out var holder))
        {
            return ValueTask.FromResult(false);
        }

        lock (holder)
        {
            var now = time.GetUtcNow();
            if (holder.Current is not { } current || current.Fence != lease.Fence || current.ExpiresAt <= now)
            {
                return ValueTask.FromResult(false);
            }

            holder.Current = current with { ExpiresAt = now + duration };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ReleaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        if (_leases.TryGetValue(lease.Name, out var holder))
        {
            lock (holder)
            {
                if (holder.Current?.Fence == lease.Fence)
                {
                    holder.Current = null;
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Holder
    {
        public long Fence { get; set; }

        public Lease? Current { get; set; }
    }
}
