namespace MirrorGate.Silo.Storage;

/// <summary>
/// Durable grain state with optimistic concurrency. Invariants every provider keeps (and the contract
/// tests check):
/// <list type="bullet">
/// <item>a write with <c>expectedVersion = null</c> only succeeds when no row exists (insert-if-absent),
/// so of N concurrent first writes exactly one wins;</item>
/// <item>a write with a version only succeeds when the stored version equals it, and then stores
/// version + 1; otherwise nothing changes and the result is <see cref="StorageWriteOutcome.Conflict"/>;</item>
/// <item>a clear keeps the row with no payload and a new version, so versions never go backwards and a
/// stale activation's write after a clear still conflicts.</item>
/// </list>
/// </summary>
public interface IGrainStorage
{
    /// <summary>Reads a state; null when it was never written.</summary>
    Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken);

    Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken);

    Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken);
}
