namespace MirrorGate.Grains.Pool;

/// <summary>
/// The pool's answer: an account with a reserved slot, or why there is none. When every fitting
/// account is cooling down, <see cref="RetryAt"/> says when the first one comes back.
/// </summary>
public sealed record PoolPick(AccountSlot? Slot, PoolShortage Shortage, DateTimeOffset? RetryAt)
{
    public static PoolPick Picked(AccountSlot slot) => new(slot, PoolShortage.None, null);
}

public enum PoolShortage
{
    None,

    /// <summary>No pooled account can serve the model (wrong plan, expired, disabled, or none at all).</summary>
    NoAccount,

    /// <summary>Accounts could serve the model but all are cooling down for it.</summary>
    AllCoolingDown,
}

/// <summary>A request in flight on one account; disposing it gives the slot back.</summary>
public sealed class AccountSlot(string accountId, AccountPool pool) : IAsyncDisposable
{
    private int _released;

    public string AccountId { get; } = accountId;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await pool.ReleaseSlotAsync(AccountId);
        }
    }
}
