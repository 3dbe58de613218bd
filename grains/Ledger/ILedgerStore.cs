using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Grains.Ledger;

/// <summary>
/// The double-entry ledger and its orders: a table set in the node's SQLite file, or in the cluster's PostgreSQL
/// (silo/ provides both). Amounts are integer millionths of a yuan (<see cref="LedgerAmounts"/>), so no database does
/// floating-point arithmetic on money. The store, not the wallet grain, enforces the floor and the idempotency key:
/// two activations of one wallet (a membership change) still cannot overdraw it or post one step twice.
/// </summary>
public interface ILedgerStore
{
    /// <summary>
    /// Writes one transaction atomically: its row (keyed by the idempotency key), its legs, the account balances they
    /// move, and the order it creates or completes. Nothing is written when the key exists, a floor would be
    /// crossed, or the order to complete is not the pending order described.
    /// </summary>
    Task<PostResult> PostAsync(LedgerTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>A transaction written earlier under <paramref name="transactionId"/>, or null.</summary>
    Task<LedgerTransactionRow?> FindTransactionAsync(string transactionId, CancellationToken cancellationToken = default);

    /// <summary>An account's balance (0 for an account never posted to).</summary>
    Task<long> BalanceAsync(LedgerAccount account, CancellationToken cancellationToken = default);

    /// <summary>The sum of an account's postings, computed from the legs themselves (audits the balance).</summary>
    Task<long> SumPostingsAsync(LedgerAccount account, CancellationToken cancellationToken = default);

    /// <summary>The sum of every leg of one transaction: zero in a balanced ledger.</summary>
    Task<long> SumTransactionAsync(string transactionId, CancellationToken cancellationToken = default);

    /// <summary>Writes a pending order (a recharge waiting for its payment); false when the id exists.</summary>
    Task<bool> CreateOrderAsync(LedgerOrder order, CancellationToken cancellationToken = default);

    Task<LedgerOrder?> FindOrderAsync(string orderId, CancellationToken cancellationToken = default);

    /// <summary>A customer org's orders, newest first; <paramref name="page"/> counts from 1.</summary>
    Task<(long Total, ImmutableArray<LedgerOrder> Rows)> QueryOrdersAsync(string customerOrgId, int page, int pageRows, CancellationToken cancellationToken = default);

    /// <summary>Up to <c>query.Page.Limit</c> orders of any org matching every given filter, newest first (ties by order id, descending).</summary>
    Task<ImmutableArray<LedgerOrder>> QueryOrdersAsync(OrderQuery query, CancellationToken cancellationToken = default);

    /// <summary>Up to <c>page.Limit</c> legs posted to <paramref name="account"/>, newest first (ties by transaction id, descending).</summary>
    Task<ImmutableArray<LedgerPosting>> QueryPostingsAsync(LedgerAccount account, PageWindow page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> holds still open whose lifetime ended before <paramref name="now"/>, oldest first:
    /// charges whose caller never settled nor released them (its node died mid-call).
    /// </summary>
    Task<ImmutableArray<OpenHold>> FindExpiredHoldsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}

/// <summary>One leg as stored, with its transaction's kind, time and order.</summary>
public sealed record LedgerPosting(string TransactionId, int Leg, string Action, long Delta, DateTimeOffset At, string? OrderId);

/// <summary>A hold the transaction opens: the charge's key, and when the hold may be given back unasked.</summary>
public sealed record HoldMark(string Key, DateTimeOffset ExpiresAt);

/// <summary>An open hold (a reserve not yet settled or released).</summary>
public sealed record OpenHold(string Key, string OrgId, long Amount, DateTimeOffset ExpiresAt);

/// <summary>One account: an org in one role, and a subject (balance, held, revenue, cost, payable, clearing).</summary>
public readonly record struct LedgerAccount(string OrgId, string Subject);

/// <summary>One leg: a signed change of one account. The legs of a transaction sum to zero.</summary>
/// <param name="Floor">For a leg that takes money out: the account may not end below this (the wallet's floor).</param>
public sealed record LedgerLeg(LedgerAccount Account, long Delta, long? Floor = null);

/// <summary>A transaction to post. <see cref="Id"/> is the idempotency key of the step it records.</summary>
/// <param name="NewOrder">An order written with it (a settled charge, a refund).</param>
/// <param name="CompletesOrder">A pending order it completes (a paid recharge); it must still be pending, for this org and amount.</param>
/// <param name="OpensHold">The hold a reserve opens: listed as open until a transaction closes it.</param>
/// <param name="ClosesHold">The key of the hold a settle or release closes.</param>
/// <param name="RefundsOrder">A settled charge (<c>PAY</c>) it refunds: it must be this org's and still accounted (not refunded).</param>
public sealed record LedgerTransaction(
    string Id,
    string Action,
    string OrgId,
    long Amount,
    DateTimeOffset At,
    ImmutableArray<LedgerLeg> Legs,
    LedgerOrder? NewOrder = null,
    LedgerOrder? CompletesOrder = null,
    HoldMark? OpensHold = null,
    string? ClosesHold = null,
    LedgerOrder? RefundsOrder = null);

public sealed record LedgerTransactionRow(string Id, string Action, string OrgId, long Amount, string? OrderId);

public enum PostOutcome
{
    Posted,
    Duplicate,
    FloorCrossed,
    OrderMismatch,
}

/// <summary>The outcome and, when posted, every touched account's balance after it.</summary>
public sealed record PostResult(PostOutcome Outcome, ImmutableDictionary<LedgerAccount, long> Balances)
{
    public static PostResult Of(PostOutcome outcome) => new(outcome, ImmutableDictionary<LedgerAccount, long>.Empty);
}

/// <summary>An order (<c>biz_order</c>) and its one detail line (<c>biz_orderdetail</c>: product, count 1, amount).</summary>
public sealed record LedgerOrder(
    string Id,
    string CustomerOrgId,
    string ResellerOrgId,
    string? ProviderOrgId,
    string UserId,
    string BusinessOp,
    string ProductId,
    string ProductName,
    string Model,
    string UsageJson,
    long Amount,
    long Cost,
    DateTimeOffset At,
    string OrderDate,
    string Status,
    string AccountingStatus);
