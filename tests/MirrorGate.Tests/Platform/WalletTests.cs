using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// Wallets on one embedded node: charges as reserve → settle/release with idempotency keys, the floor under
/// concurrency, and the balance as <c>/accounting/mybalance.dspy</c> shows it.
/// </summary>
public sealed class WalletTests(LedgerGateway gateway) : IClassFixture<LedgerGateway>
{
    [Fact]
    public async Task Mybalance_without_a_login_asks_for_one()
    {
        using var client = gateway.App.CreateClient();

        var answer = await client.GetFromJsonAsync<JsonObject>("/accounting/mybalance.dspy");

        Assert.Equal("error", answer!["status"]!.GetValue<string>());
        Assert.Equal("请先登录", answer["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mybalance_shows_the_org_wallet_in_the_seeds_shape()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 12.34m);
        using var client = await gateway.App.LoggedInAsync(org);

        var answer = await client.PostAsync("/accounting/mybalance.dspy", null);
        var body = await answer.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ok", body!["status"]!.GetValue<string>());
        var row = Assert.Single(body["data"]!.AsArray())!;
        Assert.Equal("余额", row["account"]!.GetValue<string>());
        Assert.Equal(12.34m, row["balance"]!.GetValue<decimal>());
    }

    // 50 calls race to hold 1.00 each on a wallet of 20.00 (floor 0): exactly 20 win, whatever the interleaving,
    // and after settling each at 0.40 the balance is what the postings add up to.
    [Fact]
    public async Task Concurrent_charges_never_overdraw_and_the_balance_is_the_sum_of_the_postings()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 20m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);

        var reserves = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => wallet.ReserveAsync($"{org}-c{i}", 1m))));
        var granted = Enumerable.Range(0, 50).Where(i => reserves[i].Succeeded).ToList();
        Assert.Equal(20, granted.Count);
        Assert.All(reserves, r => Assert.True(r.Balance >= 0));
        Assert.All(reserves.Where(r => !r.Succeeded), r => Assert.Equal(WalletOutcome.Insufficient, r.Outcome));

        var settles = await Task.WhenAll(granted.Select(i => Task.Run(() => wallet.SettleAsync($"{org}-c{i}", Charge(0.40m)))));
        Assert.All(settles, s => Assert.Equal(WalletOutcome.Done, s.Outcome));

        Assert.Equal(new WalletBalance(12m, 0m), await wallet.GetBalanceAsync());
        Assert.Equal(12_000_000, await gateway.Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(12_000_000, await gateway.Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(0, await gateway.Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Held)));
        Assert.Equal(0, await gateway.Ledger.SumTransactionAsync($"{org}-c{granted[0]}/close"));
    }

    [Fact]
    public async Task Every_step_retried_changes_nothing_twice_and_settle_and_release_exclude_each_other()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 10m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);

        Assert.Equal(new WalletResult(WalletOutcome.Done, 7m), await wallet.ReserveAsync("k1", 3m));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyDone, 7m), await wallet.ReserveAsync("k1", 3m));
        Assert.Equal(new WalletResult(WalletOutcome.Done, 8m), await wallet.SettleAsync("k1", Charge(2m)));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyDone, 8m), await wallet.SettleAsync("k1", Charge(2m)));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyClosed, 8m), await wallet.ReleaseAsync("k1"));

        Assert.Equal(new WalletResult(WalletOutcome.Done, 7m), await wallet.ReserveAsync("k2", 1m));
        Assert.Equal(new WalletResult(WalletOutcome.Done, 8m), await wallet.ReleaseAsync("k2"));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyDone, 8m), await wallet.ReleaseAsync("k2"));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyClosed, 8m), await wallet.SettleAsync("k2", Charge(1m)));

        Assert.Equal(WalletOutcome.UnknownCharge, (await wallet.SettleAsync("never-reserved", Charge(1m))).Outcome);
        Assert.Equal(WalletOutcome.InvalidAmount, (await wallet.ReserveAsync("k3", 0.0000001m)).Outcome);
        Assert.Equal(WalletOutcome.InvalidAmount, (await wallet.ReserveAsync("k3", -1m)).Outcome);

        // A settle above its hold may charge more, but never past the floor: the charge stays open, nothing is written.
        Assert.Equal(WalletOutcome.Done, (await wallet.ReserveAsync("k4", 1m)).Outcome);
        Assert.Equal(new WalletResult(WalletOutcome.Insufficient, 7m), await wallet.SettleAsync("k4", Charge(9m)));
        Assert.Equal(new WalletResult(WalletOutcome.Done, 0m), await wallet.SettleAsync("k4", Charge(8m)));
    }

    [Fact]
    public async Task A_settled_charge_pays_the_reseller_and_the_reseller_pays_the_provider()
    {
        var org = LedgerGateway.NewOrg();
        var reseller = LedgerGateway.NewOrg();
        var provider = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 5m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);

        await wallet.ReserveAsync("p1", 2m);
        await wallet.SettleAsync("p1", Charge(1.5m, cost: 0.9m, reseller, provider));

        Assert.Equal(1_500_000, await gateway.Ledger.BalanceAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Revenue)));
        Assert.Equal(-900_000, await gateway.Ledger.BalanceAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Cost)));
        Assert.Equal(900_000, await gateway.Ledger.BalanceAsync(new LedgerAccount(provider, LedgerActions.Subjects.Payable)));
        Assert.Equal(0, await gateway.Ledger.SumTransactionAsync("p1/close"));
    }

    [Fact]
    public async Task A_recharge_credits_once_and_only_the_amount_ordered()
    {
        var org = LedgerGateway.NewOrg();
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        Assert.True(await wallet.CreateRechargeOrderAsync("r1-" + org, "user-1", 30m, "alipay"));

        Assert.Equal(WalletOutcome.OrderMismatch, (await wallet.RechargeAsync("r1-" + org, 31m)).Outcome);
        Assert.Equal(WalletOutcome.OrderMismatch, (await gateway.App.Grains.GetGrain<IWalletGrain>(LedgerGateway.NewOrg()).RechargeAsync("r1-" + org, 30m)).Outcome);
        Assert.Equal(new WalletResult(WalletOutcome.Done, 30m), await wallet.RechargeAsync("r1-" + org, 30m));
        Assert.Equal(new WalletResult(WalletOutcome.AlreadyDone, 30m), await wallet.RechargeAsync("r1-" + org, 30m));
    }

    [Fact]
    public async Task A_refund_reverses_every_total_once_and_is_listed_as_an_order()
    {
        var org = LedgerGateway.NewOrg();
        var reseller = LedgerGateway.NewOrg();
        var provider = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 5m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        await wallet.ReserveAsync("rf-" + org, 2m);
        await wallet.SettleAsync("rf-" + org, Charge(1.5m, cost: 0.9m, reseller, provider));
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);

        var refunded = await admin.PostAsJsonAsync($"/api/wallets/{org}/orders/rf-{org}/refund", new { reason = "upstream answered garbage" });
        var body = await refunded.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(200, (int)refunded.StatusCode);
        Assert.Equal(5m, (decimal)body!["balance"]!);
        Assert.False((bool)body["already_refunded"]!);

        // Every account the settle moved is back where it was, and the refund's own legs sum to zero.
        Assert.Equal(5_000_000, await gateway.Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(0, await gateway.Ledger.BalanceAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Revenue)));
        Assert.Equal(0, await gateway.Ledger.BalanceAsync(new LedgerAccount(reseller, LedgerActions.Subjects.Cost)));
        Assert.Equal(0, await gateway.Ledger.BalanceAsync(new LedgerAccount(provider, LedgerActions.Subjects.Payable)));
        Assert.Equal(0, await gateway.Ledger.SumTransactionAsync($"refund/rf-{org}"));

        // A retry says so and moves nothing.
        var again = await (await admin.PostAsJsonAsync($"/api/wallets/{org}/orders/rf-{org}/refund", new { reason = "clicked twice" })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)again!["already_refunded"]!);
        Assert.Equal(new WalletBalance(5m, 0m), await wallet.GetBalanceAsync());

        // The orders list shows the refund beside the charge, which now says refunded.
        var orders = await (await admin.GetAsync($"/api/wallets/{org}/orders")).Content.ReadFromJsonAsync<JsonObject>();
        var rows = orders!["rows"]!.AsArray();
        Assert.Contains(rows, r => (string?)r!["businessOp"] == LedgerActions.Refund && (string?)r["orderId"] == $"rf-{org}/refund" && ((string?)r["usageJson"])!.Contains("upstream answered garbage", StringComparison.Ordinal));
        Assert.Contains(rows, r => (string?)r!["orderId"] == $"rf-{org}" && (string?)r["accountingStatus"] == "refunded");
    }

    [Fact]
    public async Task Only_a_settled_charge_of_that_wallet_can_be_refunded_and_only_with_a_reason()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 5m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        await wallet.ReserveAsync("nr-" + org, 1m);
        await wallet.SettleAsync("nr-" + org, Charge(1m));
        Assert.True(await wallet.CreateRechargeOrderAsync("nr-recharge-" + org, "user-1", 3m, "alipay"));
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);

        async Task<(int Status, string? Message)> RefundAsync(string orgId, string orderId, object body)
        {
            var response = await admin.PostAsJsonAsync($"/api/wallets/{orgId}/orders/{orderId}/refund", body);
            return ((int)response.StatusCode, (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]);
        }

        Assert.Equal(404, (await RefundAsync(org, "no-such-order", new { reason = "x" })).Status);
        Assert.Equal(404, (await RefundAsync(org, "nr-recharge-" + org, new { reason = "x" })).Status);
        Assert.Equal(404, (await RefundAsync(LedgerGateway.NewOrg(), "nr-" + org, new { reason = "x" })).Status);
        var missing = await RefundAsync(org, "nr-" + org, new { });
        Assert.Equal(400, missing.Status);
        Assert.Contains("reason", missing.Message, StringComparison.Ordinal);
        Assert.Equal(400, (await RefundAsync(org, "nr-" + org, new { reason = new string('x', 201) })).Status);
        using var anonymous = gateway.App.CreateClient();
        Assert.Equal(401, (int)(await anonymous.PostAsJsonAsync($"/api/wallets/{org}/orders/nr-{org}/refund", new { reason = "x" })).StatusCode);

        Assert.Equal(new WalletBalance(4m, 0m), await wallet.GetBalanceAsync());
        Assert.Equal(4_000_000, await gateway.Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
    }

    [Fact]
    public async Task An_expired_hold_is_given_back_by_the_sweep_and_its_late_settle_charges_nothing()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 10m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        Assert.Equal(WalletOutcome.Done, (await wallet.ReserveAsync("lost-" + org, 3m, TimeSpan.FromMilliseconds(1))).Outcome);
        Assert.Equal(WalletOutcome.Done, (await wallet.ReserveAsync("alive-" + org, 2m)).Outcome);

        // Nobody calls the sweep: its reminder (registered when the silo started) finds the hold once it expired.
        await Eventually.WaitUntilAsync(async () => (await wallet.GetBalanceAsync()).Held == 2m, "the sweep gave the expired hold back");

        // The lost charge is closed (a late settle finds it ended), the one in its lifetime still holds.
        Assert.Equal(new WalletBalance(8m, 2m), await wallet.GetBalanceAsync());
        Assert.Equal(WalletOutcome.AlreadyClosed, (await wallet.SettleAsync("lost-" + org, Charge(3m))).Outcome);
        Assert.Equal(new WalletResult(WalletOutcome.Done, 9m), await wallet.SettleAsync("alive-" + org, Charge(1m)));
        Assert.Empty((await gateway.Ledger.FindExpiredHoldsAsync(DateTimeOffset.UtcNow.AddDays(1), 1000)).Where(h => h.OrgId == org));
        Assert.Equal(9_000_000, await gateway.Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
    }

    private static ChargeOrder Charge(decimal amount, decimal cost = 0m, string reseller = "0", string? provider = null) =>
        new("user-1", reseller, provider, "llm-1", "Test model", "test-model", "{\"prompt_tokens\":10}", amount, cost);
}
