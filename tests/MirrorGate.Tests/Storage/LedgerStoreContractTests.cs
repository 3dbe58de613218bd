using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Silo.Embedded;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// The ledger store on each database, called directly and from two nodes' connection pools at once: the store, not
/// the wallet grain, is what keeps a transaction id to one posting and a balance above its floor, so these hold even
/// when two activations of one wallet write side by side.
/// </summary>
public abstract class LedgerStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected ILedgerStore Ledger { get; private set; } = null!;

    /// <summary>A second node's view of the same database (its own connections).</summary>
    protected ILedgerStore OtherNode { get; private set; } = null!;

    public async Task InitializeAsync() => (Ledger, OtherNode) = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    protected abstract Task<(ILedgerStore Ledger, ILedgerStore OtherNode)> OpenAsync();

    protected abstract Task CloseAsync();

    [Fact]
    public async Task A_transaction_id_is_posted_once_and_the_balance_is_the_sum_of_its_postings()
    {
        var org = Unique("org");
        var recharge = Recharge("t-" + org, org, 5_000_000);

        Assert.Equal(PostOutcome.Posted, (await Ledger.PostAsync(recharge)).Outcome);
        Assert.Equal(PostOutcome.Duplicate, (await OtherNode.PostAsync(recharge)).Outcome);

        var balance = new LedgerAccount(org, LedgerActions.Subjects.Balance);
        Assert.Equal(5_000_000, await Ledger.BalanceAsync(balance));
        Assert.Equal(5_000_000, await Ledger.SumPostingsAsync(balance));
        Assert.Equal(0, await Ledger.SumTransactionAsync(recharge.Id));
    }

    // Many debits racing from two nodes' pools: the floor is never crossed, and exactly as many win as it allows.
    [Fact]
    public async Task Concurrent_debits_from_two_nodes_never_cross_the_floor()
    {
        var org = Unique("org");
        await Ledger.PostAsync(Recharge("seed-" + org, org, 10_000_000));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var debits = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var legs = LedgerActions.Legs(LedgerActions.Hold, new(org), new Dictionary<string, long> { ["冻结金额"] = 1_000_000 }, floor: 2_000_000);
            var store = i % 2 == 0 ? Ledger : OtherNode;
            return (await store.PostAsync(new LedgerTransaction($"{org}/{i}/hold", LedgerActions.Hold, org, 1_000_000, At, [.. legs]))).Outcome;
        })).ToList();
        start.SetResult();

        var outcomes = await Task.WhenAll(debits);

        Assert.Equal(8, outcomes.Count(o => o == PostOutcome.Posted));
        Assert.Equal(22, outcomes.Count(o => o == PostOutcome.FloorCrossed));
        var balance = new LedgerAccount(org, LedgerActions.Subjects.Balance);
        Assert.Equal(2_000_000, await Ledger.BalanceAsync(balance));
        Assert.Equal(2_000_000, await Ledger.SumPostingsAsync(balance));
        Assert.Equal(8_000_000, await Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Held)));
    }

    // An order is written with its postings or not at all: a charge refused by the floor leaves no order behind.
    [Fact]
    public async Task A_refused_post_writes_neither_its_order_nor_any_leg()
    {
        var org = Unique("org");
        await Ledger.PostAsync(Recharge("seed-" + org, org, 1_000_000));
        var reseller = Unique("reseller");
        var legs = LedgerActions.Legs(LedgerActions.Pay, new(org, reseller), new Dictionary<string, long> { ["交易金额"] = 3_000_000 }, floor: 0);
        var order = Order("o-" + org, org, 3_000_000, At);

        var result = await Ledger.PostAsync(new LedgerTransaction("pay-" + org, LedgerActions.Pay, org, 3_000_000, At, [.. legs], NewOrder: order));

        Assert.Equal(PostOutcome.FloorCrossed, result.Outcome);
        Assert.Null(await Ledger.FindOrderAsync(order.Id));
        Assert.Null(await Ledger.FindTransactionAsync("pay-" + org));
        Assert.Equal(0, await Ledger.SumPostingsAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Revenue)));
        Assert.Equal(1_000_000, await Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
    }

    // A recharge completes its own pending order only: another amount or a replay changes nothing.
    [Fact]
    public async Task A_recharge_completes_its_pending_order_once_and_only_for_the_amount_ordered()
    {
        var org = Unique("org");
        var order = Order("r-" + org, org, 7_000_000, At) with { BusinessOp = LedgerActions.Recharge, Status = "0", AccountingStatus = "created" };
        Assert.True(await Ledger.CreateOrderAsync(order));
        Assert.False(await OtherNode.CreateOrderAsync(order));

        var wrongAmount = Recharge("recharge/" + order.Id, org, 9_000_000) with { CompletesOrder = order with { Amount = 9_000_000 } };
        Assert.Equal(PostOutcome.OrderMismatch, (await Ledger.PostAsync(wrongAmount)).Outcome);
        var right = Recharge("recharge/" + order.Id, org, 7_000_000) with { CompletesOrder = order };
        Assert.Equal(PostOutcome.Posted, (await Ledger.PostAsync(right)).Outcome);
        Assert.Equal(PostOutcome.Duplicate, (await OtherNode.PostAsync(right)).Outcome);

        Assert.Equal("1", (await Ledger.FindOrderAsync(order.Id))!.Status);
        Assert.Equal(7_000_000, await Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
    }

    // A hold is listed as open from its reserve until the transaction that closes it, and only once it expired.
    [Fact]
    public async Task An_open_hold_is_listed_by_expiry_until_its_close_is_posted()
    {
        var org = Unique("org");
        await Ledger.PostAsync(Recharge("seed-" + org, org, 5_000_000));
        var hold = LedgerActions.Legs(LedgerActions.Hold, new(org), new Dictionary<string, long> { ["冻结金额"] = 2_000_000 }, floor: 0);
        var expires = At.AddMinutes(10);
        Assert.Equal(PostOutcome.Posted, (await Ledger.PostAsync(new LedgerTransaction(org + "/hold", LedgerActions.Hold, org, 2_000_000, At, [.. hold],
            OpensHold: new HoldMark(org, expires)))).Outcome);

        Assert.DoesNotContain(await OtherNode.FindExpiredHoldsAsync(expires, 1000), h => h.OrgId == org);
        Assert.Contains(new OpenHold(org, org, 2_000_000, expires), await OtherNode.FindExpiredHoldsAsync(expires.AddMilliseconds(1), 1000));

        var unhold = LedgerActions.Legs(LedgerActions.Unhold, new(org), new Dictionary<string, long> { ["冻结金额"] = 2_000_000 }, floor: 0);
        Assert.Equal(PostOutcome.Posted, (await Ledger.PostAsync(new LedgerTransaction(org + "/close", LedgerActions.Unhold, org, 2_000_000, At, [.. unhold],
            ClosesHold: org))).Outcome);
        Assert.DoesNotContain(await OtherNode.FindExpiredHoldsAsync(DateTimeOffset.MaxValue.AddDays(-1), 1000), h => h.OrgId == org);
    }

    // A refund flips its charge's order to refunded in the same transaction; a second refund under another id cannot.
    [Fact]
    public async Task A_refund_flips_its_order_once_and_never_a_recharge()
    {
        var org = Unique("org");
        var reseller = Unique("reseller");
        await Ledger.PostAsync(Recharge("seed-" + org, org, 5_000_000));
        var pay = LedgerActions.Legs(LedgerActions.Pay, new(org, reseller), new Dictionary<string, long> { ["交易金额"] = 1_000_000 }, floor: 0).ToList();
        var order = Order("p-" + org, org, 1_000_000, At);
        await Ledger.PostAsync(new LedgerTransaction("pay-" + org, LedgerActions.Pay, org, 1_000_000, At, [.. pay], NewOrder: order));

        var refund = new LedgerTransaction("refund/" + order.Id, LedgerActions.Refund, org, 1_000_000, At, [.. LedgerActions.Reversed(pay)],
            NewOrder: Order(order.Id + "/refund", org, 1_000_000, At) with { BusinessOp = LedgerActions.Refund }, RefundsOrder: order);
        Assert.Equal(PostOutcome.Posted, (await Ledger.PostAsync(refund)).Outcome);
        Assert.Equal(PostOutcome.OrderMismatch, (await OtherNode.PostAsync(refund with { Id = "refund-again/" + order.Id, NewOrder = refund.NewOrder! with { Id = "other" } })).Outcome);
        Assert.Equal("refunded", (await Ledger.FindOrderAsync(order.Id))!.AccountingStatus);
        Assert.Equal(5_000_000, await Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(0, await Ledger.BalanceAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Revenue)));

        var recharge = Order("r-" + org, org, 1_000_000, At) with { BusinessOp = LedgerActions.Recharge };
        Assert.True(await Ledger.CreateOrderAsync(recharge));
        Assert.Equal(PostOutcome.OrderMismatch, (await Ledger.PostAsync(refund with { Id = "refund/" + recharge.Id, NewOrder = null, RefundsOrder = recharge })).Outcome);
    }

    // Two nodes creating one order id at once (a retried recharge request): the database decides, one wins.
    [Fact]
    public async Task One_order_id_created_concurrently_from_two_nodes_is_written_once()
    {
        var org = Unique("org");
        var order = Order("c-" + org, org, 1_000_000, At) with { Status = "0" };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creates = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? Ledger : OtherNode).CreateOrderAsync(order);
        })).ToList();
        start.SetResult();

        Assert.Single(await Task.WhenAll(creates), created => created);
        Assert.Equal(1, (await Ledger.QueryOrdersAsync(org, 1, 10)).Total);
    }

    [Fact]
    public async Task Orders_page_newest_first_with_the_total()
    {
        var org = Unique("org");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await Ledger.CreateOrderAsync(Order($"{org}-{i}", org, i, At.AddMinutes(i))));
        }

        Assert.True(await Ledger.CreateOrderAsync(Order(Unique("elsewhere"), Unique("org"), 1, At)));

        var (total, first) = await Ledger.QueryOrdersAsync(org, page: 1, pageRows: 2);
        var (_, last) = await Ledger.QueryOrdersAsync(org, page: 3, pageRows: 2);

        Assert.Equal(5, total);
        Assert.Equal([$"{org}-4", $"{org}-3"], first.Select(o => o.Id));
        Assert.Equal([$"{org}-0"], last.Select(o => o.Id));
        Assert.Equal(At.AddMinutes(4), first[0].At);
    }

    // The console's order list reads across orgs: each filter narrows, newest first, and keyset pages neither lose
    // nor repeat an order written in the same millisecond as another.
    [Fact]
    public async Task Orders_of_every_org_filter_by_org_user_model_product_kind_and_time_and_page_by_keyset()
    {
        var (orgA, orgB, user) = (Unique("org"), Unique("org"), Unique("user"));
        Assert.True(await Ledger.CreateOrderAsync(Order("a-1", orgA, 1, At) with { UserId = user }));
        Assert.True(await Ledger.CreateOrderAsync(Order("a-2", orgA, 2, At.AddMinutes(1)) with { UserId = user, Model = "m-2", ProductId = "llm-2" }));
        Assert.True(await Ledger.CreateOrderAsync(Order("b-1", orgB, 3, At.AddMinutes(2)) with { UserId = user, BusinessOp = LedgerActions.Recharge }));
        Assert.True(await Ledger.CreateOrderAsync(Order("b-2", orgB, 4, At.AddMinutes(3))));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await Ledger.CreateOrderAsync(Order($"tie-{i}", orgB, 5, At.AddMinutes(3)) with { UserId = user }));
        }

        Assert.Equal(["tie-4", "tie-3", "tie-2", "tie-1", "tie-0", "b-2", "b-1"], Ids(await Ledger.QueryOrdersAsync(Orders(org: orgB))));
        Assert.Equal(["a-2", "a-1"], Ids(await Ledger.QueryOrdersAsync(Orders(org: orgA))));
        Assert.Equal(["a-2"], Ids(await Ledger.QueryOrdersAsync(Orders(user: user, model: "m-2"))));
        Assert.Equal(["a-2"], Ids(await Ledger.QueryOrdersAsync(Orders(user: user, product: "llm-2"))));
        Assert.Equal(["b-1"], Ids(await Ledger.QueryOrdersAsync(Orders(user: user, kind: LedgerActions.Recharge))));
        Assert.Equal(["b-1", "a-2"], Ids(await Ledger.QueryOrdersAsync(Orders(user: user, from: At.AddMinutes(1), to: At.AddMinutes(3)))));

        var seen = new List<string>();
        PageAfter? after = null;
        while (true)
        {
            var page = await Ledger.QueryOrdersAsync(Orders(user: user, after: after, limit: 2));
            seen.AddRange(Ids(page));
            if (page.Length < 2)
            {
                break;
            }

            after = new PageAfter(page[^1].At, page[^1].Id);
        }

        Assert.Equal(["tie-4", "tie-3", "tie-2", "tie-1", "tie-0", "b-1", "a-2", "a-1"], seen);
    }

    // A wallet's postings: each leg on the account, including a settle's two legs on one balance, paged without loss.
    [Fact]
    public async Task Postings_of_one_account_list_every_leg_newest_first_across_keyset_pages()
    {
        var org = Unique("org");
        await Ledger.PostAsync(Recharge("fund-" + org, org, 5_000_000));
        var hold = LedgerActions.Legs(LedgerActions.Hold, new(org), new Dictionary<string, long> { ["冻结金额"] = 2_000_000 }, 0);
        await Ledger.PostAsync(new LedgerTransaction($"{org}/hold", LedgerActions.Hold, org, 2_000_000, At.AddMinutes(1), [.. hold]));
        var settle = LedgerActions.Legs(LedgerActions.Unhold, new(org, "reseller"), new Dictionary<string, long> { ["冻结金额"] = 2_000_000 }, 0)
            .Concat(LedgerActions.Legs(LedgerActions.Pay, new(org, "reseller"), new Dictionary<string, long> { ["交易金额"] = 1_500_000 }, 0));
        await Ledger.PostAsync(new LedgerTransaction($"{org}/close", LedgerActions.Pay, org, 1_500_000, At.AddMinutes(2), [.. settle]));

        var all = new List<LedgerPosting>();
        PageWindow page = new(null, null, null, 1);
        while (true)
        {
            var rows = await Ledger.QueryPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance), page);
            all.AddRange(rows);
            if (rows.Length < 1)
            {
                break;
            }

            page = page with { After = new PageAfter(rows[^1].At, $"{rows[^1].TransactionId}#{rows[^1].Leg}") };
        }

        Assert.Equal([$"{org}/close", $"{org}/close", $"{org}/hold", "fund-" + org], all.Select(p => p.TransactionId));
        Assert.Equal([-1_500_000, 2_000_000, -2_000_000, 5_000_000], all.Select(p => p.Delta));
        Assert.Equal(await Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)), all.Sum(p => p.Delta));
        Assert.Equal([LedgerActions.Pay, LedgerActions.Pay, LedgerActions.Hold, LedgerActions.Recharge], all.Select(p => p.Action));
    }

    private static OrderQuery Orders(string? org = null, string? user = null, string? model = null, string? product = null, string? kind = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, PageAfter? after = null, int limit = 100) =>
        new(org, user, model, product, kind, new PageWindow(from, to, after, limit));

    private static string[] Ids(IEnumerable<LedgerOrder> orders) => [.. orders.Select(o => o.Id)];

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static LedgerTransaction Recharge(string id, string org, long amount) =>
        new(id, LedgerActions.Recharge, org, amount, At, [.. LedgerActions.Legs(LedgerActions.Recharge, new(org), new Dictionary<string, long> { ["充值金额"] = amount }, 0)]);

    private static LedgerOrder Order(string id, string org, long amount, DateTimeOffset at) =>
        new(id, org, "reseller", "provider", "user-1", LedgerActions.Pay, "llm-1", "Model One", "m-1", "{\"prompt_tokens\":1}", amount, 0, at, "2030-01-01", "1", "accounted");
}

public sealed class SqliteLedgerStoreContractTests : LedgerStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteStateStore? _store;
    private SqliteStateStore? _other;

    protected override async Task<(ILedgerStore Ledger, ILedgerStore OtherNode)> OpenAsync()
    {
        var path = Path.Combine(_directory.Path, "ledger.db");
        _store = new SqliteStateStore(path, NullLogger<SqliteStateStore>.Instance);
        await _store.MigrateAsync(CancellationToken.None);
        _other = new SqliteStateStore(path, NullLogger<SqliteStateStore>.Instance);
        return (_store.LedgerStore, _other.LedgerStore);
    }

    protected override async Task CloseAsync()
    {
        foreach (var store in new[] { _store, _other })
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
        }

        _directory.Dispose();
    }
}

public sealed class PostgresLedgerStoreContractTests : LedgerStoreContractTests
{
    private PostgresTestDatabase? _database;
    private Silo.Cluster.PostgresStateStore? _other;

    protected override async Task<(ILedgerStore Ledger, ILedgerStore OtherNode)> OpenAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _other = _database.OpenNode();
        return (_database.Store.LedgerStore, _other.LedgerStore);
    }

    protected override async Task CloseAsync()
    {
        if (_other is not null)
        {
            await _other.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
