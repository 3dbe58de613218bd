namespace MirrorGate.Silo.Storage;

/// <summary>A state as stored: its serialized payload (null after a clear) and its version.</summary>
public sealed record StoredState(byte[]? Payload, long Version);
