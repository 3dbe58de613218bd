namespace MirrorGate.GrainInterfaces.Users;

/// <summary>What an operator sets for a user. An empty limit list means unlimited.</summary>
public sealed record UserSettings(IReadOnlyList<ModelLimit> Limits, bool IsolatedSession);
