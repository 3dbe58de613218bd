namespace MirrorGate.GrainInterfaces.Errors;

/// <summary>
/// The store behind grain state or usage records (PostgreSQL in a cluster, SQLite on one node) could not be
/// reached, so the operation did not happen: nothing was reported done that was not stored. The activation whose
/// write failed is dropped, so its memory never runs ahead of the store. Retryable once the store is back; the
/// front end answers 503 in each API family's shape.
/// </summary>
[GenerateSerializer, Alias("mg.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
