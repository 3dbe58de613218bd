namespace MirrorGate.Silo.Storage;

/// <summary>What the runtime needs of a persistent state whatever its type: read it on activation.</summary>
internal interface IPersistentStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}
