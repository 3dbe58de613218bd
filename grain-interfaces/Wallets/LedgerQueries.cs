using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Queries;

namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>
/// The ledger's cross-org reads for the console (docs/console-data.md), a stateless worker on the caller's own silo
/// (key <see cref="Key"/>), so a front end needs no database of its own. Reads only: every change goes through the
/// wallet of its org.
/// </summary>
[Alias("mg.ILedgerQueryGrain")]
public interface ILedgerQueryGrain : IGrainWithStringKey
{
    const string Key = "ledger";

    /// <summary>Up to <c>query.Page.Limit</c> orders of any org matching <paramref name="query"/>, newest first.</summary>
    Task<ImmutableArray<OrderRecord>> QueryOrdersAsync(OrderQuery query);

    /// <summary>Up to <c>query.Page.Limit</c> postings to one account of one org, newest first.</summary>
    Task<ImmutableArray<PostingRecord>> QueryPostingsAsync(PostingQuery query);
}

/// <summary>A filter on the orders of every org (null: any). <see cref="BusinessOp"/> is the order's kind: <c>PAY</c>, <c>RECHARGE</c>, <c>REFUND</c>, <c>ADJUST</c>.</summary>
[GenerateSerializer, Immutable, Alias("mg.OrderQuery")]
public sealed record OrderQuery(
    [property: Id(0)] string? OrgId,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? Model,
    [property: Id(3)] string? ProductId,
    [property: Id(4)] string? BusinessOp,
    [property: Id(5)] PageWindow Page);

/// <summary>An order as the operator sees it: every party and figure (amounts in yuan).</summary>
[GenerateSerializer, Immutable, Alias("mg.OrderRecord")]
public sealed record OrderRecord(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string OrgId,
    [property: Id(2)] string ResellerOrgId,
    [property: Id(3)] string? ProviderOrgId,
    [property: Id(4)] string UserId,
    [property: Id(5)] string BusinessOp,
    [property: Id(6)] string ProductId,
    [property: Id(7)] string ProductName,
    [property: Id(8)] string Model,
    [property: Id(9)] string UsageJson,
    [property: Id(10)] decimal Amount,
    [property: Id(11)] decimal Cost,
    [property: Id(12)] DateTimeOffset At,
    [property: Id(13)] string Status,
    [property: Id(14)] string AccountingStatus);

/// <summary>The postings to one account (<see cref="Subject"/>: <c>balance</c>, <c>held</c>, …) of one org.</summary>
[GenerateSerializer, Immutable, Alias("mg.PostingQuery")]
public sealed record PostingQuery([property: Id(0)] string OrgId, [property: Id(1)] string Subject, [property: Id(2)] PageWindow Page);

/// <summary>One leg: the signed change of the account, the transaction it belongs to (its id is the step's idempotency key) and that step's kind.</summary>
[GenerateSerializer, Immutable, Alias("mg.PostingRecord")]
public sealed record PostingRecord(
    [property: Id(0)] string TransactionId,
    [property: Id(1)] int Leg,
    [property: Id(2)] string Action,
    [property: Id(3)] decimal Delta,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? OrderId);
