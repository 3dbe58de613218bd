using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using Orleans.Concurrency;

namespace MirrorGate.Grains.Wallets;

/// <summary>
/// The ledger's reads across orgs, a stateless worker like the usage ledger's door: it runs on the caller's own silo,
/// holds nothing, and only reads, so a list never waits behind a wallet's charges.
/// </summary>
[GrainType("ledger-query")]
[StatelessWorker]
[Reentrant]
public sealed class LedgerQueryGrain(ILedgerStore ledger) : Grain, ILedgerQueryGrain
{
    public async Task<ImmutableArray<OrderRecord>> QueryOrdersAsync(OrderQuery query) =>
        [.. (await ledger.QueryOrdersAsync(query)).Select(o => new OrderRecord(o.Id, o.CustomerOrgId, o.ResellerOrgId, o.ProviderOrgId, o.UserId, o.BusinessOp,
            o.ProductId, o.ProductName, o.Model, o.UsageJson, LedgerAmounts.FromMicros(o.Amount), LedgerAmounts.FromMicros(o.Cost), o.At, o.Status, o.AccountingStatus))];

    public async Task<ImmutableArray<PostingRecord>> QueryPostingsAsync(PostingQuery query) =>
        [.. (await ledger.QueryPostingsAsync(new LedgerAccount(query.OrgId, query.Subject), query.Page))
            .Select(p => new PostingRecord(p.TransactionId, p.Leg, p.Action, LedgerAmounts.FromMicros(p.Delta), p.At, p.OrderId))];
}
