using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Tests.Platform;

/// <summary><c>/platformbiz/query_orders.dspy</c>: the seed's paging and row fields, newest first, the caller's org only.</summary>
public sealed class OrderQueryTests(LedgerGateway gateway) : IClassFixture<LedgerGateway>
{
    [Fact]
    public async Task Orders_page_by_80_by_default_newest_first_and_page_and_pagerows_are_honoured()
    {
        var org = LedgerGateway.NewOrg();
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        for (var i = 0; i < 83; i++)
        {
            Assert.True(await wallet.CreateRechargeOrderAsync($"{org}-{i:D3}", "user-1", 1m + i, "alipay"));
        }

        await gateway.FundAsync(LedgerGateway.NewOrg(), 1m);
        using var client = await gateway.App.LoggedInAsync(org);

        var first = await client.GetFromJsonAsync<JsonObject>("/platformbiz/query_orders.dspy");
        var third = await client.PostAsJsonAsync("/platformbiz/query_orders.dspy", new { page = 3, pagerows = 40 });
        var thirdBody = await third.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("ok", first!["status"]!.GetValue<string>());
        Assert.Equal(83, first["data"]!["total"]!.GetValue<long>());
        Assert.Equal(80, first["data"]!["rows"]!.AsArray().Count);
        Assert.Equal(83, thirdBody!["data"]!["total"]!.GetValue<long>());
        var lastPage = thirdBody["data"]!["rows"]!.AsArray();
        Assert.Equal(3, lastPage.Count);
        Assert.Equal(1m, lastPage[^1]!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_settled_charge_is_listed_with_the_seeds_row_fields()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 5m);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        await wallet.ReserveAsync(org + "-call", 1m);
        await wallet.SettleAsync(org + "-call", new ChargeOrder("user-7", "0", null, "llm-42", "Vidu Q3", "viduq3-pro", "{\"duration\":5,\"SR\":720}", 0.75m, 0.5m));
        using var client = await gateway.App.LoggedInAsync(org, "user-7");

        var answer = await client.GetFromJsonAsync<JsonObject>("/platformbiz/query_orders.dspy?page=1&pagerows=1");

        var row = Assert.Single(answer!["data"]!["rows"]!.AsArray())!.AsObject();
        Assert.Equal(2, answer["data"]!["total"]!.GetValue<long>());
        Assert.Equal("llm-42", row["llmid"]!.GetValue<string>());
        Assert.Equal("Vidu Q3", row["name"]!.GetValue<string>());
        Assert.Equal("viduq3-pro", row["model"]!.GetValue<string>());
        Assert.Equal(5, row["usage"]!["duration"]!.GetValue<int>());
        Assert.Equal(0.75m, row["amount"]!.GetValue<decimal>());
        Assert.Equal("user-7", row["userid"]!.GetValue<string>());
        Assert.Equal(org, row["userorgid"]!.GetValue<string>());
        Assert.Equal("accounted", row["accounting_status"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", row["use_date"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$", row["use_time"]!.GetValue<string>());
        Assert.Equal(["accounting_status", "amount", "business_op", "id", "llmid", "model", "name", "status", "usage", "use_date", "use_time", "userid", "userorgid"],
            row.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("page=0", "page 必须是正整数")]
    [InlineData("page=abc", "page 必须是正整数")]
    [InlineData("pagerows=0", "pagerows 必须是 1 到 1000 的整数")]
    [InlineData("pagerows=1001", "pagerows 必须是 1 到 1000 的整数")]
    public async Task Bad_paging_gets_a_clear_error_in_the_platform_shape(string query, string message)
    {
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        var response = await client.GetAsync("/platformbiz/query_orders.dspy?" + query);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("error", answer!["status"]!.GetValue<string>());
        Assert.Equal(message, answer["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_orders_without_a_login_asks_for_one()
    {
        using var client = gateway.App.CreateClient();

        var answer = await client.GetFromJsonAsync<JsonObject>("/platformbiz/query_orders.dspy");

        Assert.Equal("请先登录", answer!["data"]!["message"]!.GetValue<string>());
    }
}
