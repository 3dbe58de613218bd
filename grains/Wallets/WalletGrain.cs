using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Wallets;

/// <summary>
/// One customer org's wallet. Its activation serializes the wallet's charges (so they do not contend in the
/// database) and answers the live balance, read from the ledger rather than cached: during a membership change a
/// second activation may be writing too, and a cached figure would go stale. It holds no state of its own: every step is one ledger transaction whose id is derived from the charge's idempotency key
/// (<c>{key}/hold</c>, <c>{key}/close</c>), and the store checks the floor in the same statement that moves the
/// balance. So a retry posts nothing twice, settle and release of one charge exclude each other (both are the
/// charge's one <c>close</c>), and even two activations of this grain at once cannot cross the floor.
/// </summary>
[GrainType("wallet")]
public sealed partial class WalletGrain(
    ILedgerStore ledger,
    IOptions<WalletOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<WalletGrain> logger) : Grain, IWalletGrain
{
    private string OrgId => this.GetPrimaryKeyString();

    private LedgerAccount BalanceAccount => new(OrgId, LedgerActions.Subjects.Balance);

    private LedgerAccount HeldAccount => new(OrgId, LedgerActions.Subjects.Held);

    private long Floor => LedgerAmounts.TryToMicros(options.Value.MinBalance, out var floor) ? floor : 0;

    public async Task<WalletBalance> GetBalanceAsync() =>
        new(LedgerAmounts.FromMicros(await ledger.BalanceAsync(BalanceAccount)), LedgerAmounts.FromMicros(await ledger.BalanceAsync(HeldAccount)));

    public async Task<WalletResult> ReserveAsync(string key, decimal amount, TimeSpan? holdFor = null)
    {
        if (!LedgerAmounts.TryToMicros(amount, out var micros) || micros <= 0)
        {
            return await ResultAsync(WalletOutcome.InvalidAmount);
        }

        var now = time.GetUtcNow();
        var lifetime = holdFor is { } asked && asked > TimeSpan.Zero ? asked : options.Value.HoldLifetime;
        var legs = LedgerActions.Legs(LedgerActions.Hold, new(OrgId), Variables(("冻结金额", micros)), Floor);
        return await PostAsync(new LedgerTransaction(HoldId(key), LedgerActions.Hold, OrgId, micros, now, [.. legs], OpensHold: new HoldMark(key, now + lifetime)));
    }

    public async Task<WalletResult> SettleAsync(string key, ChargeOrder order)
    {
        if (!LedgerAmounts.TryToMicros(order.Amount, out var amount) || amount < 0 || !LedgerAmounts.TryToMicros(order.Cost, out var cost) || cost < 0)
        {
            return await ResultAsync(WalletOutcome.InvalidAmount);
        }

        if (await HeldAmountAsync(key) is not { } held)
        {
            return await ResultAsync(WalletOutcome.UnknownCharge);
        }

        // The order is D.4's biz_order: PAY is posted only when the customer is not the reseller itself; PAY* always.
        var now = time.GetUtcNow();
        var parties = new LedgerActions.Parties(OrgId, order.ResellerOrgId, order.ProviderOrgId ?? order.ResellerOrgId);
        var pay = order.ResellerOrgId == OrgId ? 0 : amount;
        var legs = LedgerActions.Legs(LedgerActions.Unhold, parties, Variables(("冻结金额", held)), Floor)
            .Concat(LedgerActions.Legs(LedgerActions.Pay, parties, Variables(("交易金额", pay)), Floor))
            .Concat(LedgerActions.Legs(LedgerActions.PayCost, parties, Variables(("采购成本", cost)), Floor));
        var row = new LedgerOrder(OrderId(key), OrgId, order.ResellerOrgId, order.ProviderOrgId, order.UserId, LedgerActions.Pay, order.ProductId,
            order.ProductName, order.Model, order.UsageJson, amount, cost, now, BusinessDate(now), "1", "accounted");
        return await PostAsync(new LedgerTransaction(CloseId(key), LedgerActions.Pay, OrgId, amount, now, [.. legs], NewOrder: row, ClosesHold: key));
    }

    public async Task<WalletResult> ReleaseAsync(string key)
    {
        if (await HeldAmountAsync(key) is not { } held)
        {
            return await ResultAsync(WalletOutcome.UnknownCharge);
        }

        var legs = LedgerActions.Legs(LedgerActions.Unhold, new(OrgId), Variables(("冻结金额", held)), Floor);
        return await PostAsync(new LedgerTransaction(CloseId(key), LedgerActions.Unhold, OrgId, held, time.GetUtcNow(), [.. legs], ClosesHold: key));
    }

    public async Task<WalletResult> RefundAsync(string orderId, string reason)
    {
        if (await ledger.FindOrderAsync(orderId) is not { BusinessOp: LedgerActions.Pay } order || order.CustomerOrgId != OrgId)
        {
            return await ResultAsync(WalletOutcome.NotRefundable);
        }

        // The settle's legs rebuilt from its order (the order records every figure they used), then negated.
        var parties = new LedgerActions.Parties(OrgId, order.ResellerOrgId, order.ProviderOrgId ?? order.ResellerOrgId);
        var pay = order.ResellerOrgId == OrgId ? 0 : order.Amount;
        var legs = LedgerActions.Reversed(LedgerActions.Legs(LedgerActions.Pay, parties, Variables(("交易金额", pay)), Floor)
            .Concat(LedgerActions.Legs(LedgerActions.PayCost, parties, Variables(("采购成本", order.Cost)), Floor)));
        var now = time.GetUtcNow();
        var usage = new JsonObject { ["refund_of"] = orderId, ["reason"] = reason }.ToJsonString();
        var row = new LedgerOrder(RefundOrderId(orderId), OrgId, order.ResellerOrgId, order.ProviderOrgId, order.UserId, LedgerActions.Refund, order.ProductId,
            order.ProductName, order.Model, usage, order.Amount, order.Cost, now, BusinessDate(now), "1", "accounted");
        var result = await PostAsync(new LedgerTransaction(RefundId(orderId), LedgerActions.Refund, OrgId, order.Amount, now, [.. legs], NewOrder: row, RefundsOrder: order));
        if (result.Outcome == WalletOutcome.Done)
        {
            LogRefunded(logger, orderId, OrgId, order.Amount);
        }

        return result.Outcome == WalletOutcome.OrderMismatch ? result with { Outcome = WalletOutcome.NotRefundable } : result;
    }

    public async Task<WalletResult> RechargeAsync(string orderId, decimal amount)
    {
        if (!LedgerAmounts.TryToMicros(amount, out var micros) || micros <= 0)
        {
            return await ResultAsync(WalletOutcome.InvalidAmount);
        }

        if (await ledger.FindOrderAsync(orderId) is not { } order || order.CustomerOrgId != OrgId || order.Amount != micros)
        {
            return await ResultAsync(WalletOutcome.OrderMismatch);
        }

        var legs = LedgerActions.Legs(LedgerActions.Recharge, new(OrgId), Variables(("充值金额", micros)), Floor);
        return await PostAsync(new LedgerTransaction("recharge/" + orderId, LedgerActions.Recharge, OrgId, micros, time.GetUtcNow(), [.. legs], CompletesOrder: order));
    }

    public async Task<WalletResult> AdjustAsync(string key, decimal amount, string reason, string by)
    {
        if (!LedgerAmounts.TryToMicros(amount, out var micros) || micros == 0)
        {
            return await ResultAsync(WalletOutcome.InvalidAmount);
        }

        // One id for the transaction and its order, per org and key: a retry meets its own row, whichever node sends it.
        var id = AdjustmentId(OrgId, key);
        var action = micros > 0 ? LedgerActions.Adjust : LedgerActions.AdjustDebit;
        var now = time.GetUtcNow();
        var legs = LedgerActions.Legs(action, new(OrgId), Variables(("调整金额", Math.Abs(micros))), Floor);
        var usage = new JsonObject { ["reason"] = reason, ["by"] = by }.ToJsonString();
        var row = new LedgerOrder(id, OrgId, LedgerActions.PlatformOrg, null, by, LedgerActions.Adjust, "adjustment", "人工调整", "adjustment", usage,
            micros, 0, now, BusinessDate(now), "1", "accounted");
        var result = await PostAsync(new LedgerTransaction(id, action, OrgId, micros, now, [.. legs], NewOrder: row));
        if (result.Outcome == WalletOutcome.AlreadyDone && await ledger.FindTransactionAsync(id) is { } earlier && earlier.Amount != micros)
        {
            return result with { Outcome = WalletOutcome.KeyConflict };
        }

        if (result.Outcome == WalletOutcome.Done)
        {
            LogAdjusted(logger, OrgId, micros, by);
        }

        return result;
    }

    public async Task<OrderPage> QueryOrdersAsync(int page, int pageRows)
    {
        var (total, rows) = await ledger.QueryOrdersAsync(OrgId, page, pageRows);
        return new OrderPage(total, [.. rows.Select(o => new OrderRow(o.Id, o.BusinessOp, o.ProductId, o.ProductName, o.Model, o.OrderDate, o.At, o.UsageJson,
            LedgerAmounts.FromMicros(o.Amount), o.UserId, o.CustomerOrgId, o.Status, o.AccountingStatus))]);
    }

    public Task<bool> CreateRechargeOrderAsync(string orderId, string userId, decimal amount, string channel)
    {
        if (!LedgerAmounts.TryToMicros(amount, out var micros) || micros <= 0)
        {
            return Task.FromResult(false);
        }

        var now = time.GetUtcNow();
        return ledger.CreateOrderAsync(new LedgerOrder(orderId, OrgId, LedgerActions.PlatformOrg, null, userId, LedgerActions.Recharge, channel, "充值", channel, "{}",
            micros, 0, now, BusinessDate(now), "0", "created"));
    }

    /// <summary>The order id of a settled charge: the charge's key, so a query can find the order of a known call.</summary>
    public static string OrderId(string key) => key;

    /// <summary>The order a refund writes (<c>REFUND</c>), beside the charge's own.</summary>
    public static string RefundOrderId(string orderId) => orderId + "/refund";

    /// <summary>The transaction and order of an operator's adjustment under the client's key.</summary>
    public static string AdjustmentId(string orgId, string key) => $"adjust/{orgId}/{key}";

    private static string HoldId(string key) => key + "/hold";

    private static string RefundId(string orderId) => "refund/" + orderId;

    private static string CloseId(string key) => key + "/close";

    private static string BusinessDate(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Dictionary<string, long> Variables(params (string Name, long Amount)[] values) => values.ToDictionary(v => v.Name, v => v.Amount);

    private async Task<long?> HeldAmountAsync(string key) =>
        await ledger.FindTransactionAsync(HoldId(key)) is { } hold && hold.OrgId == OrgId ? hold.Amount : null;

    private async Task<WalletResult> PostAsync(LedgerTransaction transaction)
    {
        var result = await ledger.PostAsync(transaction);
        switch (result.Outcome)
        {
            case PostOutcome.Posted:
                // The balance the posting's own UPDATE returned: exact at that instant, whoever else writes.
                return result.Balances.TryGetValue(BalanceAccount, out var balance)
                    ? new WalletResult(WalletOutcome.Done, LedgerAmounts.FromMicros(balance))
                    : await ResultAsync(WalletOutcome.Done);
            case PostOutcome.Duplicate:
                LogDuplicate(logger, transaction.Id, OrgId);
                return await ResultAsync(transaction.Id.EndsWith("/close", StringComparison.Ordinal) && await IsOtherCloseAsync(transaction)
                    ? WalletOutcome.AlreadyClosed : WalletOutcome.AlreadyDone);
            case PostOutcome.FloorCrossed:
                return await ResultAsync(WalletOutcome.Insufficient);
            default:
                return await ResultAsync(WalletOutcome.OrderMismatch);
        }
    }

    /// <summary>A close that met an earlier close: the same kind is a retry, the other kind ended the charge already.</summary>
    private async Task<bool> IsOtherCloseAsync(LedgerTransaction transaction) =>
        await ledger.FindTransactionAsync(transaction.Id) is { } earlier && earlier.Action != transaction.Action;

    private async Task<WalletResult> ResultAsync(WalletOutcome outcome)
    {
        var balance = await GetBalanceAsync();
        return new WalletResult(outcome, balance.Balance);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refunded order {OrderId} of wallet {OrgId}: {AmountMicros} millionths returned")]
    private static partial void LogRefunded(ILogger logger, string orderId, string orgId, long amountMicros);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adjusted wallet {OrgId} by {AmountMicros} millionths (by {By})")]
    private static partial void LogAdjusted(ILogger logger, string orgId, long amountMicros, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger transaction {TransactionId} of wallet {OrgId} was already posted; nothing posted again")]
    private static partial void LogDuplicate(ILogger logger, string transactionId, string orgId);
}
