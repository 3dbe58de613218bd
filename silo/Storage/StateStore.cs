using System.Data.Common;
using MirrorGate.Grains.Ledger;
using MirrorGate.Grains.Usage;
using MirrorGate.Grains.Videos;
using MirrorGate.Silo.Videos;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// The database behind this silo's grain state, reminders and usage ledger: the node's SQLite file, or the
/// cluster's PostgreSQL. One pooled <see cref="DbDataSource"/> serves Orleans' ADO.NET providers and MirrorGate's
/// own statements alike.
/// </summary>
public abstract class StateStore : IAsyncDisposable
{
    /// <summary>The ADO.NET invariant the Orleans providers expect for this database.</summary>
    public abstract string Invariant { get; }

    public abstract DbDataSource DataSource { get; }

    /// <summary>Where the database is, for messages (never a password).</summary>
    public abstract string Address { get; }

    /// <summary>
    /// Where the database takes one writer at a time (SQLite), this process's writers of grain state and usage queue
    /// here, in order, instead of meeting the file's lock, whose busy handler sleeps in steps of milliseconds. Null
    /// where writers run side by side (PostgreSQL).
    /// </summary>
    public virtual SemaphoreSlim? WriterGate => null;

    /// <summary>The usage records kept in this database.</summary>
    public abstract IUsageLedger UsageLedger { get; }

    /// <summary>The double-entry ledger and its orders kept in this database (docs/ledger.md).</summary>
    public abstract ILedgerStore LedgerStore { get; }

    /// <summary>The searchable copy of the video tasks (docs/console-data.md).</summary>
    public IVideoTaskCatalog VideoTaskCatalog => field ??= new SqlVideoTaskCatalog(this);

    /// <summary>The audit log of admin changes kept in this database (docs/console.md).</summary>
    public Grains.Audit.IAuditStore AuditStore => field ??= new Audit.SqlAuditStore(this);

    /// <summary>Creates or upgrades the schema. Safe to run on every start, and on several nodes at once.</summary>
    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True for failures that mean "the database is not there right now", as opposed to a bug in a statement.</summary>
    public abstract bool IsUnavailable(Exception exception);

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await DisposeStoreAsync();
        await DataSource.DisposeAsync();
    }

    /// <summary>Stops what the store runs beside its connections (the embedded file's checkpoints) before they close.</summary>
    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;
}
