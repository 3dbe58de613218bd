using MirrorGate.GrainInterfaces.Audit;

namespace MirrorGate.Grains.Audit;

/// <summary>The audit log's table in the node's SQLite file or the cluster's PostgreSQL (silo/ provides both; migration 022).</summary>
public interface IAuditStore
{
    /// <summary>Writes the entry; nothing when its id is already stored.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first (ties: last written first); <paramref name="page"/> counts from 1.</summary>
    Task<AuditPage> ListAsync(int page, int pageSize, string? actor, CancellationToken cancellationToken = default);
}
