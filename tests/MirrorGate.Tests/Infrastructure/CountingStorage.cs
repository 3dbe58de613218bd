using System.Collections.Concurrent;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Wraps a grain storage and counts writes per grain type, to check how much a request writes.</summary>
public sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);

    public int Writes(string grainType) => _writes.GetValueOrDefault(grainType);

    public Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken) => inner.ReadAsync(id, cancellationToken);

    public Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken)
    {
        _writes.AddOrUpdate(id.GrainType, 1, static (_, n) => n + 1);
        return inner.WriteAsync(id, payload, expectedVersion, cancellationToken);
    }

    public Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken) => inner.ClearAsync(id, expectedVersion, cancellationToken);
}
