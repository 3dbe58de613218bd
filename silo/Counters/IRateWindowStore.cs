namespace MirrorGate.Silo.Counters;

/// <summary>
/// Sliding-window limits shared by every node: "at most N uses per window". A reservation is taken
/// before the work and given back if the work fails, so a failed request does not use up a limit.
/// Each method is one atomic step (one statement or function call in PostgreSQL).
/// </summary>
public interface IRateWindowStore
{
    /// <summary>
    /// Takes one use when fewer than <paramref name="limit"/> were taken in the last
    /// <paramref name="window"/>; otherwise says when the oldest use leaves the window.
    /// </summary>
    ValueTask<WindowReservation> TryReserveAsync(string key, TimeSpan window, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gives back a use taken by <see cref="TryReserveAsync"/>. Releasing twice is harmless.</summary>
    ValueTask ReleaseAsync(string key, long reservationId, CancellationToken cancellationToken = default);

    /// <summary>Uses taken in the last <paramref name="window"/>.</summary>
    ValueTask<int> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default);
}

/// <summary>Outcome of a reservation: granted with an id to release, or refused with a wait.</summary>
public readonly record struct WindowReservation(bool Granted, long ReservationId, int Used, TimeSpan RetryAfter)
{
    public static WindowReservation Grant(long id, int used) => new(true, id, used, TimeSpan.Zero);

    public static WindowReservation Refuse(int used, TimeSpan retryAfter) => new(false, 0, used, retryAfter);
}
