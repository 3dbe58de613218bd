namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>
/// The wallet of one billing account (a customer org; key = the org id). It holds the live balance; the ledger rows
/// it writes are the truth. A charge is reserve → settle (or release), each step carrying the charge's idempotency
/// key: a retry of any step changes nothing twice, and settle and release exclude each other. No interleaving of
/// charges, on one node or many, takes the balance below the wallet's floor (docs/ledger.md).
/// </summary>
[Alias("mg.IWalletGrain")]
public interface IWalletGrain : IGrainWithStringKey
{
    /// <summary>The spendable balance (held amounts already taken out) and the amount currently held.</summary>
    Task<WalletBalance> GetBalanceAsync();

    /// <summary>
    /// Holds <paramref name="amount"/> for the charge <paramref name="key"/>, unless that would cross the floor. A hold
    /// still open after <paramref name="holdFor"/> (default <c>Wallets:HoldLifetime</c>) is released by the sweep.
    /// </summary>
    Task<WalletResult> ReserveAsync(string key, decimal amount, TimeSpan? holdFor = null);

    /// <summary>Ends the charge <paramref name="key"/>: gives the hold back and charges the actual amount, writing its order with the postings.</summary>
    Task<WalletResult> SettleAsync(string key, ChargeOrder order);

    /// <summary>Ends the charge <paramref name="key"/> without charging: the hold goes back to the balance.</summary>
    Task<WalletResult> ReleaseAsync(string key);

    /// <summary>
    /// Reverses the settled charge <paramref name="orderId"/> in full: every leg its settle posted, negated, with a
    /// <c>REFUND</c> order of its own; the charge's order shows <c>refunded</c>. Once per order, whatever the retries.
    /// </summary>
    Task<WalletResult> RefundAsync(string orderId, string reason);

    /// <summary>
    /// An operator's manual change of the balance: credits a positive <paramref name="amount"/>, debits a negative one
    /// (never below <c>Wallets:MinBalance</c>), as one ledger transaction with an <c>ADJUST</c> order that keeps
    /// <paramref name="reason"/> and <paramref name="by"/>. Once per <paramref name="key"/> (the client's idempotency
    /// key): a retry answers <see cref="WalletOutcome.AlreadyDone"/>, the key reused for another amount
    /// <see cref="WalletOutcome.KeyConflict"/>.
    /// </summary>
    Task<WalletResult> AdjustAsync(string key, decimal amount, string reason, string by);

    /// <summary>The wallet's orders, newest first; <paramref name="page"/> counts from 1.</summary>
    Task<OrderPage> QueryOrdersAsync(int page, int pageRows);

    /// <summary>Writes a pending recharge order of <paramref name="amount"/> for <paramref name="userId"/>; false when the id exists.</summary>
    Task<bool> CreateRechargeOrderAsync(string orderId, string userId, decimal amount, string channel);

    /// <summary>Credits a paid recharge once per order id (the payment's <c>out_trade_no</c>), completing its order.</summary>
    Task<WalletResult> RechargeAsync(string orderId, decimal amount);
}
