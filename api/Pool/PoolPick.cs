namespace MirrorGate.Api.Pool;

/// <summary>
/// The pool's answer: an account with a reserved slot, or why there is none. When every fitting account is cooling
/// down, <see cref="RetryAt"/> says when the first one comes back.
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

/// <summary>A request in flight on one account, counted on this node; disposing it gives the slot back.</summary>
public sealed class AccountSlot : IDisposable
{
    private readonly InFlightCounter _counter;
    private int _released;

    internal AccountSlot(string accountId, InFlightCounter counter)
    {
        AccountId = accountId;
        _counter = counter;
        _counter.Increment();
    }

    public string AccountId { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _counter.Decrement();
        }
    }
}

/// <summary>Requests in flight on one account on this node.</summary>
internal sealed class InFlightCounter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Decrement() => Interlocked.Decrement(ref _value);
}
