namespace MirrorGate.Api.Console;

/// <summary>A signed-in console user: who (a name given at sign-in, or the role), the role, the session's id and its end.</summary>
public sealed record ConsoleSession(string Name, string Role, string Id, DateTimeOffset ExpiresAt);
