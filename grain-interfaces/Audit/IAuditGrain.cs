namespace MirrorGate.GrainInterfaces.Audit;

/// <summary>
/// The audit log (SQLite on one node, PostgreSQL in a cluster), reached through a stateless worker on the caller's own
/// silo, so that a front end needs no database of its own. Key: <see cref="Key"/>.
/// </summary>
[Alias("mg.IAuditGrain")]
public interface IAuditGrain : IGrainWithStringKey
{
    const string Key = "audit";

    /// <summary>Stores the entry once per id (a retry writes nothing twice).</summary>
    Task RecordAsync(AuditEntry entry);

    /// <summary>Entries newest first; <paramref name="page"/> counts from 1; <paramref name="actor"/> filters when given.</summary>
    Task<AuditPage> ListAsync(int page, int pageSize, string? actor);
}
