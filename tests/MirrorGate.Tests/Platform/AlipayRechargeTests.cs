using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MirrorGate.AlipaySim;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// <c>/unipay/user_recharge.dspy</c> and Alipay's asynchronous notification (issue 11, item 3), against the Alipay
/// simulator: the page-pay URL is signed with the merchant key (the simulator's cashier verifies it), a paid trade
/// credits the wallet once, and a replayed, forged or amount-changed notification changes nothing.
/// </summary>
public sealed class AlipayRechargeTests(AlipayRechargeTests.Gateway gateway) : IClassFixture<AlipayRechargeTests.Gateway>
{
    [Fact]
    public async Task A_paid_recharge_credits_the_wallet_once_even_when_the_notification_is_replayed()
    {
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());
        var orderId = await StartRechargeAsync(client, "12.34");
        Assert.True(gateway.Alipay.HasTrade(orderId), "the cashier accepted the signed page-pay request");
        Assert.Equal(0m, await BalanceAsync(client));

        Assert.Equal("success", await gateway.Alipay.PayAsync(orderId, deliverTo: gateway.NotifyUrl));
        Assert.Equal(12.34m, await BalanceAsync(client));

        // Alipay re-sends until it reads "success"; a replay is acknowledged and credits nothing more.
        var sent = gateway.Alipay.Sent.Last(n => n["out_trade_no"] == orderId);
        Assert.Equal("success", await gateway.Alipay.PostAsync(gateway.NotifyUrl.ToString(), sent));
        Assert.Equal(12.34m, await BalanceAsync(client));

        var orders = (await client.GetFromJsonAsync<JsonObject>("/platformbiz/query_orders.dspy"))!["data"]!["rows"]!.AsArray();
        var order = Assert.Single(orders)!;
        Assert.Equal(orderId, order["id"]!.GetValue<string>());
        Assert.Equal(12.34m, order["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_forged_or_amount_changed_notification_changes_nothing()
    {
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());
        var paid = await StartRechargeAsync(client, "1.00");
        var target = await StartRechargeAsync(client, "500.00");
        Assert.Equal("success", await gateway.Alipay.PayAsync(paid, deliverTo: gateway.NotifyUrl));

        // A genuine notification with its order changed after signing: the signature no longer verifies.
        var forged = new Dictionary<string, string>(gateway.Alipay.Sent.Last(n => n["out_trade_no"] == paid)) { ["out_trade_no"] = target, ["total_amount"] = "500.00" };
        Assert.Equal("failure", await gateway.Alipay.PostAsync(gateway.NotifyUrl.ToString(), forged));

        // Signed by Alipay, but for another amount than the one ordered: the wallet refuses the credit.
        Assert.Equal("failure", await gateway.Alipay.PayAsync(target, paidAmount: "0.01", deliverTo: gateway.NotifyUrl));

        // A whole "Alipay" of its own, signing with a key that is not Alipay's.
        await using var impostor = await AlipaySimulator.StartAsync(gateway.MerchantPublicKey);
        var (url, impostorOrder) = await RechargeUrlAsync(client, "500.00", impostor.GatewayUrl);
        using (var http = new HttpClient())
        {
            (await http.GetAsync(url)).EnsureSuccessStatusCode();
        }

        Assert.Equal("failure", await impostor.PayAsync(impostorOrder, deliverTo: gateway.NotifyUrl));
        Assert.Equal(1.00m, await BalanceAsync(client));
    }

    [Theory]
    [InlineData("{\"provider\":\"wxpay\",\"amount\":10}", "目前只支持支付宝充值 (provider: alipay)")]
    [InlineData("{\"provider\":\"alipay\",\"amount\":10,\"currency\":\"USD\"}", "目前只支持人民币充值 (currency: CNY)")]
    [InlineData("{\"provider\":\"alipay\",\"amount\":-1}", "充值金额需为 0.01 到 100000 之间、最多两位小数的数字")]
    [InlineData("{\"provider\":\"alipay\",\"amount\":\"abc\"}", "充值金额需为 0.01 到 100000 之间、最多两位小数的数字")]
    [InlineData("{\"provider\":\"alipay\",\"amount\":0.001}", "充值金额需为 0.01 到 100000 之间、最多两位小数的数字")]
    [InlineData("{\"provider\":\"alipay\"}", "充值金额需为 0.01 到 100000 之间、最多两位小数的数字")]
    public async Task Bad_recharge_requests_get_the_platform_error_shape(string body, string message)
    {
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        using var response = await client.PostAsync("/unipay/user_recharge.dspy", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("error", answer!["status"]!.GetValue<string>());
        Assert.Equal(message, answer["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recharge_needs_a_login_and_a_notification_needs_a_signature()
    {
        using var anonymous = gateway.App.CreateClient();
        var answer = await (await anonymous.PostAsJsonAsync("/unipay/user_recharge.dspy", new { provider = "alipay", amount = 10 })).Content.ReadFromJsonAsync<JsonObject>();
        using var unsigned = await anonymous.PostAsync("/unipay/alipay_notify", new FormUrlEncodedContent(new Dictionary<string, string> { ["out_trade_no"] = "rc0", ["trade_status"] = "TRADE_SUCCESS" }));

        Assert.Equal("请先登录", answer!["data"]!["message"]!.GetValue<string>());
        Assert.Equal("failure", await unsigned.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_gateway_with_half_or_broken_Alipay_settings_refuses_to_start_and_names_them_without_the_key()
    {
        const string brokenKey = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----";
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Alipay:AppId"] = "2021000000000001",
            ["Alipay:MerchantPrivateKey"] = brokenKey,
            ["Alipay:GatewayUrl"] = "openapi.alipay.com/gateway.do",
        }));

        Assert.Contains("AppId, MerchantPrivateKey, AlipayPublicKey and NotifyUrl are needed together", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("Alipay:MerchantPrivateKey is not an RSA private key", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("Alipay:GatewayUrl must be an absolute http(s) URL", refused.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bm90IGEga2V5", refused.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> StartRechargeAsync(HttpClient client, string amount)
    {
        var answer = await (await client.PostAsJsonAsync("/unipay/user_recharge.dspy", new { provider = "alipay", amount = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency = "CNY" }))
            .Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("ok", answer!["status"]!.GetValue<string>());
        var url = answer["data"]!["redirct"]!.GetValue<string>();
        Assert.StartsWith(gateway.Alipay.GatewayUrl.ToString(), url, StringComparison.Ordinal);
        Assert.Equal(url, answer["data"]!["url"]!.GetValue<string>());

        // The payer's browser opens the cashier.
        using var http = new HttpClient();
        using var cashier = await http.GetAsync(url);
        Assert.True(cashier.IsSuccessStatusCode, await cashier.Content.ReadAsStringAsync());
        return answer["data"]!["orderid"]!.GetValue<string>();
    }

    /// <summary>A recharge's page-pay URL with its query sent to another cashier, and its order id.</summary>
    private static async Task<(string Url, string OrderId)> RechargeUrlAsync(HttpClient client, string amount, Uri otherCashier)
    {
        var answer = await (await client.PostAsJsonAsync("/unipay/user_recharge.dspy", new { provider = "alipay", amount = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture) })).Content.ReadFromJsonAsync<JsonObject>();
        var url = new Uri(answer!["data"]!["redirct"]!.GetValue<string>());
        return (otherCashier + url.Query, answer["data"]!["orderid"]!.GetValue<string>());
    }

    private static async Task<decimal> BalanceAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/accounting/mybalance.dspy"))!["data"]![0]!["balance"]!.GetValue<decimal>();

    /// <summary>A gateway configured with a merchant key pair of its own and the simulator's Alipay public key.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        private readonly RSA _merchant = RSA.Create(2048);

        public GatewayApp App { get; private set; } = null!;

        public AlipaySimulator Alipay { get; private set; } = null!;

        public string MerchantPublicKey => _merchant.ExportSubjectPublicKeyInfoPem();

        public Uri NotifyUrl => new(App.BaseAddress, "/unipay/alipay_notify");

        public async Task InitializeAsync()
        {
            Alipay = await AlipaySimulator.StartAsync(MerchantPublicKey);
            App = await GatewayApp.StartAsync(new Dictionary<string, string?>
            {
                ["Alipay:AppId"] = "2021000000000001",
                ["Alipay:MerchantPrivateKey"] = _merchant.ExportPkcs8PrivateKeyPem(),
                ["Alipay:AlipayPublicKey"] = Alipay.PublicKeyPem,
                ["Alipay:GatewayUrl"] = Alipay.GatewayUrl.ToString(),
                // The gateway's own address is known only once it listens; the simulator is told where to deliver.
                ["Alipay:NotifyUrl"] = "https://gateway.example/unipay/alipay_notify",
            }, kestrel: true);
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Alipay.DisposeAsync();
            _merchant.Dispose();
        }
    }
}
