namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>
/// The order a settled charge writes (<c>biz_order</c> + <c>biz_orderdetail</c>, research D.4), with the parties its
/// legs move money between: the customer org (the wallet) pays the reseller <see cref="Amount"/> (<c>PAY</c>, only
/// when they differ), and the reseller pays the provider <see cref="Cost"/> (<c>PAY*</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.ChargeOrder")]
public sealed record ChargeOrder(
    [property: Id(0)] string UserId,
    [property: Id(1)] string ResellerOrgId,
    [property: Id(2)] string? ProviderOrgId,
    [property: Id(3)] string ProductId,
    [property: Id(4)] string ProductName,
    [property: Id(5)] string Model,
    [property: Id(6)] string UsageJson,
    [property: Id(7)] decimal Amount,
    [property: Id(8)] decimal Cost);
