namespace MirrorGate.GrainInterfaces.Runtime;

/// <summary>
/// A grain's state write lost a version race: another activation (on this node after a restart, or on
/// another node) wrote first. The runtime has already deactivated the losing activation, so the
/// next call reads the newer state. Retryable: the caller may repeat the whole operation, which then
/// decides again on fresh state. Nothing was overwritten.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InconsistentStateException(string grainType, string grainKey, long? expectedVersion)
        : base($"State of grain {grainType}/{grainKey} changed under this activation (expected version {expectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).")
    {
        GrainType = grainType;
        GrainKey = grainKey;
    }

    public string? GrainType { get; }

    public string? GrainKey { get; }
}
