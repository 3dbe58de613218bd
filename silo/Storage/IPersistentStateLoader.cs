namespace MirrorGate.Silo.Storage;

/// <summary>What the runtime needs of a persistent state whatever its type: read it on activation, and know which version it holds.</summary>
internal interface IPersistentStateLoader
{
    string StateName { get; }

    /// <summary>The stored version this copy was read or written at; null before the first read or when never stored.</summary>
    long? Version { get; }

    /// <summary>A write or clear of this state failed in any way: the copy in memory may hold what was never stored.</summary>
    bool WriteFailed { get; }

    Task ReadStateAsync(CancellationToken cancellationToken);
}
