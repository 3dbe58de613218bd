namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// A node asks the user's grain for a block of uses of one model (<see cref="IUserGrain.LeaseAsync"/>), to hand out
/// itself, one per request, until it runs out or <paramref name="Lifetime"/> passes (docs/channels.md, "Durability
/// and throughput"). <paramref name="Wanted"/> is what the node expects to need within the lifetime.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.LeaseRequest")]
public sealed record LeaseRequest([property: Id(0)] string Model, [property: Id(1)] bool Catalogued, [property: Id(2)] int Wanted, [property: Id(3)] TimeSpan Lifetime)
{
    /// <summary>The node's previous lease of the model, with the uses it did not hand out: given back first.</summary>
    [Id(4)]
    public LeaseReturn? Returned { get; init; }
}

/// <summary>The uses of lease <paramref name="LeaseId"/> (of window <paramref name="Key"/>) that its node did not hand out.</summary>
[GenerateSerializer, Immutable, Alias("mg.LeaseReturn")]
public sealed record LeaseReturn([property: Id(0)] string Key, [property: Id(1)] long LeaseId, [property: Id(2)] int Unused);

/// <summary>What a lease request got.</summary>
[Alias("mg.LeaseKind")]
public enum LeaseKind
{
    /// <summary><see cref="LimitLease.Count"/> uses, already counted in the window, until <see cref="LimitLease.ExpiresAt"/>.</summary>
    Block,

    /// <summary>The model has no use limit for the user: every request until <see cref="LimitLease.ExpiresAt"/> is granted.</summary>
    Unlimited,

    /// <summary>The limit settles each request (tokens per minute, concurrency): ask the grain per request (<see cref="IUserGrain.TryAdmitAsync"/>).</summary>
    PerRequest,

    /// <summary>Refused: <see cref="LimitLease.Refusal"/> says why (limit reached, logged out, model not offered).</summary>
    Refused,
}

/// <summary>
/// A block of uses of one model's window <see cref="Key"/>, with the grant ids <see cref="LeaseId"/> to
/// <see cref="LeaseId"/> + <see cref="Count"/> − 1; or one of the other <see cref="LeaseKind"/> outcomes.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.LimitLease")]
public sealed record LimitLease(
    [property: Id(0)] LeaseKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] long LeaseId,
    [property: Id(3)] int Count,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] bool IsolatedSession)
{
    [Id(6)]
    public LimitDecision? Refusal { get; init; }

    public static LimitLease Refused(LimitDecision refusal) => new(LeaseKind.Refused, string.Empty, 0, 0, default, false) { Refusal = refusal };
}
