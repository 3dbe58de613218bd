namespace MirrorGate.GrainInterfaces.Users;

/// <summary>One use taken under a limit; <see cref="Key"/> is empty when the model had no limit.</summary>
public sealed record LimitReservation(string Key, long Id)
{
    public static LimitReservation Unlimited { get; } = new(string.Empty, 0);
}

/// <summary>
/// Granted with a reservation, or refused with the limit that was hit and when to retry. A grant also
/// says whether the user's session is isolated, which decides who may continue the conversations it starts.
/// </summary>
public sealed record LimitDecision(LimitReservation? Reservation, ModelLimit? Limit, TimeSpan RetryAfter, string? Refusal)
{
    public bool Granted => Reservation is not null;

    public bool IsolatedSession { get; init; }

    public static LimitDecision Grant(LimitReservation reservation, bool isolatedSession) => new(reservation, null, TimeSpan.Zero, null) { IsolatedSession = isolatedSession };

    public static LimitDecision Refuse(ModelLimit limit, TimeSpan retryAfter) => new(null, limit, retryAfter, null);

    /// <summary>Refused for another reason than a limit (the user logged out).</summary>
    public static LimitDecision Deny(string reason) => new(null, null, TimeSpan.Zero, reason);
}
