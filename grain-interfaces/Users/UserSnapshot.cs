namespace MirrorGate.GrainInterfaces.Users;

/// <summary>A user as stored, without token values.</summary>
public sealed record UserSnapshot(string UserName, IReadOnlyList<ModelLimit> Limits, bool IsolatedSession, bool LoggedOut, DateTimeOffset CreatedAt);
