namespace MirrorGate.GrainInterfaces.Users;

/// <summary>One use taken under a limit; <see cref="Key"/> is empty when the model had no limit.</summary>
[GenerateSerializer, Immutable, Alias("mg.LimitReservation")]
public sealed record LimitReservation([property: Id(0)] string Key, [property: Id(1)] long Id)
{
    /// <summary>
    /// The use holds a concurrency slot or reserved tokens: end it with <see cref="IUserGrain.SettleAsync"/> when the
    /// request succeeded, or with <see cref="IUserGrain.ReleaseAsync"/> when it failed.
    /// </summary>
    [Id(2)]
    public bool Settles { get; init; }

    /// <summary>
    /// The use came out of this node's lease (<see cref="IUserGrain.LeaseAsync"/>): a failed request gives it back to
    /// that lease, never to the grain by its id.
    /// </summary>
    [Id(3)]
    public bool Leased { get; init; }

    public static LimitReservation Unlimited { get; } = new(string.Empty, 0);
}

/// <summary>Why a use was refused.</summary>
[Alias("mg.LimitRefusal")]
public enum LimitRefusal
{
    None,

    /// <summary>The user's limit for the model is used up until <see cref="LimitDecision.RetryAfter"/>.</summary>
    LimitReached,

    /// <summary>The user logged out (or was never configured).</summary>
    LoggedOut,

    /// <summary>The user's tokens-per-minute limit for the model has no room for the request until <see cref="LimitDecision.RetryAfter"/>.</summary>
    TokenLimitReached,

    /// <summary>The user already has the most requests for the model in flight that the limit allows.</summary>
    ConcurrencyLimitReached,

    /// <summary>The model is not in the gateway's catalog, and the user has limits that an unknown name would slip past.</summary>
    ModelNotOffered,
}

/// <summary>
/// Granted with a reservation, or refused with the reason (and for a limit, which one and when to retry). A grant
/// also says whether the user's session is isolated, which decides who may continue the conversations it starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.LimitDecision")]
public sealed record LimitDecision(
    [property: Id(0)] LimitReservation? Reservation,
    [property: Id(1)] LimitRefusal Refusal,
    [property: Id(2)] ModelLimit? Limit,
    [property: Id(3)] TimeSpan RetryAfter,
    [property: Id(4)] string? Message)
{
    public bool Granted => Reservation is not null;

    [Id(5)]
    public bool IsolatedSession { get; init; }

    public static LimitDecision Grant(LimitReservation reservation, bool isolatedSession) =>
        new(reservation, LimitRefusal.None, null, TimeSpan.Zero, null) { IsolatedSession = isolatedSession };

    public static LimitDecision Refuse(ModelLimit limit, TimeSpan retryAfter) => new(null, LimitRefusal.LimitReached, limit, retryAfter, null);

    public static LimitDecision Refuse(LimitRefusal refusal, ModelLimit limit, TimeSpan retryAfter, string message) => new(null, refusal, limit, retryAfter, message);

    public static LimitDecision Deny(LimitRefusal refusal, string message) => new(null, refusal, null, TimeSpan.Zero, message);
}
