using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;

namespace MirrorGate.Api.Observability;

/// <summary>
/// The ledger store as this node's wallets see it, counting each transaction the store reports committed (a
/// duplicate, a crossed floor or a mismatched order commits nothing and counts nothing). Counting where the store
/// commits keeps the grains free of metrics code, and counts a charge once however often its caller retried.
/// </summary>
internal sealed class CountingLedgerStore(ILedgerStore inner, GatewayMetrics metrics) : ILedgerStore
{
    public async Task<PostResult> PostAsync(LedgerTransaction transaction, CancellationToken cancellationToken = default)
    {
        var result = await inner.PostAsync(transaction, cancellationToken);
        if (result.Outcome is PostOutcome.Posted)
        {
            metrics.LedgerPosted(transaction.Action, transaction.Amount);
        }

        return result;
    }

    public Task<LedgerTransactionRow?> FindTransactionAsync(string transactionId, CancellationToken cancellationToken = default) => inner.FindTransactionAsync(transactionId, cancellationToken);

    public Task<long> BalanceAsync(LedgerAccount account, CancellationToken cancellationToken = default) => inner.BalanceAsync(account, cancellationToken);

    public Task<long> SumPostingsAsync(LedgerAccount account, CancellationToken cancellationToken = default) => inner.SumPostingsAsync(account, cancellationToken);

    public Task<long> SumTransactionAsync(string transactionId, CancellationToken cancellationToken = default) => inner.SumTransactionAsync(transactionId, cancellationToken);

    public Task<bool> CreateOrderAsync(LedgerOrder order, CancellationToken cancellationToken = default) => inner.CreateOrderAsync(order, cancellationToken);

    public Task<LedgerOrder?> FindOrderAsync(string orderId, CancellationToken cancellationToken = default) => inner.FindOrderAsync(orderId, cancellationToken);

    public Task<(long Total, ImmutableArray<LedgerOrder> Rows)> QueryOrdersAsync(string customerOrgId, int page, int pageRows, CancellationToken cancellationToken = default) =>
        inner.QueryOrdersAsync(customerOrgId, page, pageRows, cancellationToken);

    public Task<ImmutableArray<LedgerOrder>> QueryOrdersAsync(OrderQuery query, CancellationToken cancellationToken = default) => inner.QueryOrdersAsync(query, cancellationToken);

    public Task<ImmutableArray<LedgerPosting>> QueryPostingsAsync(LedgerAccount account, PageWindow page, CancellationToken cancellationToken = default) =>
        inner.QueryPostingsAsync(account, page, cancellationToken);

    public Task<ImmutableArray<OpenHold>> FindExpiredHoldsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) => inner.FindExpiredHoldsAsync(now, limit, cancellationToken);
}
