using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Users;

/// <summary>What an operator sets for a user. An empty limit list means unlimited.</summary>
[GenerateSerializer, Immutable, Alias("mg.UserSettings")]
public sealed record UserSettings([property: Id(0)] ImmutableArray<ModelLimit> Limits, [property: Id(1)] bool IsolatedSession);
