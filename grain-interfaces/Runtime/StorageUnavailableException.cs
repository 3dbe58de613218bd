namespace MirrorGate.GrainInterfaces.Runtime;

/// <summary>
/// The shared store (PostgreSQL in cluster mode) could not be reached, so an operation that needs it
/// did not happen. Nothing was reported as done: the runtime deactivates a grain whose write failed this
/// way, so its memory never runs ahead of what is stored. Retryable once the store is back; the front
/// end answers 503 with a clear message.
/// </summary>
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
