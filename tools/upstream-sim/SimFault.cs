namespace MirrorGate.UpstreamSim;

/// <summary>A fault queued for one account's conversation POSTs (legacy and <c>f/</c> alike).</summary>
/// <param name="Kind">What happens.</param>
/// <param name="StatusCode">Status for <see cref="SimFaultKind.ServerError"/>; 0 means 500.</param>
/// <param name="ClearsInSeconds"><c>clears_in</c> for <see cref="SimFaultKind.RateLimited"/>.</param>
/// <param name="Model">Only requests for this model slug are hit; null hits every model.</param>
/// <param name="Times">How many requests it hits; null keeps it until cleared.</param>
/// <param name="ChunkDelay">Wait before each text chunk for <see cref="SimFaultKind.SlowStream"/>.</param>
/// <param name="AfterChunks">Text chunks sent before <see cref="SimFaultKind.DropMidStream"/> aborts.</param>
public sealed record SimFault(
    SimFaultKind Kind,
    int StatusCode = 0,
    int ClearsInSeconds = 0,
    string? Model = null,
    int? Times = null,
    TimeSpan ChunkDelay = default,
    int AfterChunks = 0);
