using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>One page of a wallet's orders, newest first, and how many there are in all.</summary>
[GenerateSerializer, Immutable, Alias("mg.OrderPage")]
public sealed record OrderPage([property: Id(0)] long Total, [property: Id(1)] ImmutableArray<OrderRow> Rows);

/// <summary>An order as <c>query_orders</c> lists it (seed 003; research D.3's llmage row fields).</summary>
[GenerateSerializer, Immutable, Alias("mg.OrderRow")]
public sealed record OrderRow(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string BusinessOp,
    [property: Id(2)] string ProductId,
    [property: Id(3)] string Name,
    [property: Id(4)] string Model,
    [property: Id(5)] string UseDate,
    [property: Id(6)] DateTimeOffset UseTime,
    [property: Id(7)] string UsageJson,
    [property: Id(8)] decimal Amount,
    [property: Id(9)] string UserId,
    [property: Id(10)] string UserOrgId,
    [property: Id(11)] string Status,
    [property: Id(12)] string AccountingStatus);
