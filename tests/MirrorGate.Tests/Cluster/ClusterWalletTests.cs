using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MirrorGate.AlipaySim;
using MirrorGate.OpenAiSim;
using MirrorGate.SmsSim;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using Npgsql;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// The 元境 platform end to end on three real nodes (issue 11): a phone login through the SMS simulator, a downstream
/// key, an Alipay recharge paid through the Alipay simulator and notified to another node, then concurrent paid
/// <c>/v1</c> calls spread over all three nodes against one wallet. Each call costs exactly 1.00 (a flat price), so the
/// wallet's 10.00 buys exactly ten; the balance never goes below its floor (0) and equals the sum of its postings.
/// </summary>
public sealed class ClusterWalletTests : IAsyncLifetime
{
    private const string Table = "pricings:\n- {price_factors: flat, unit_prices: 1}\n";

    private readonly RSA _merchant = RSA.Create(2048);
    private SmsSimulator _sms = null!;
    private AlipaySimulator _alipay = null!;
    private OpenAiSimulator _openAi = null!;
    private NodeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _sms = await SmsSimulator.StartAsync();
        _alipay = await AlipaySimulator.StartAsync(_merchant.ExportSubjectPublicKeyInfoPem());
        _openAi = await OpenAiSimulator.StartAsync();
        _cluster = await NodeCluster.StartAsync(gateways: 3, settings: new Dictionary<string, string?>
        {
            ["Sms:Sender"] = "Http",
            ["Sms:Url"] = _sms.SendUrl.ToString(),
            ["Sms:ApiKey"] = _sms.ApiKey,
            ["Alipay:AppId"] = "2021000000000002",
            ["Alipay:MerchantPrivateKey"] = _merchant.ExportPkcs8PrivateKeyPem(),
            ["Alipay:AlipayPublicKey"] = _alipay.PublicKeyPem,
            ["Alipay:GatewayUrl"] = _alipay.GatewayUrl.ToString(),
            ["Alipay:NotifyUrl"] = "https://gateway.example/unipay/alipay_notify",
        });
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _openAi.DisposeAsync();
        await _alipay.DisposeAsync();
        await _sms.DisposeAsync();
        _merchant.Dispose();
    }

    [Fact]
    public async Task Concurrent_paid_calls_over_three_nodes_never_overdraw_one_wallet_and_the_balance_is_the_sum_of_its_postings()
    {
        var nodes = _cluster.Gateways;

        // Log in on node 0 with the code the SMS provider received.
        using var anonymous = nodes[0].CreateClient();
        const string phone = "13700000001";
        var issued = await anonymous.GetFromJsonAsync<JsonObject>($"/rbac/gen_sms_code.dspy?cellphone={phone}");
        var login = await (await anonymous.PostAsJsonAsync("/rbac/phone_login.dspy", new { cellphone = phone, key = issued!["data"]!["key"]!.GetValue<string>(), sms_code = _sms.LastCode(phone) }))
            .Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("ok", login!["status"]!.GetValue<string>());
        var session = login["data"]!["token"]!.GetValue<string>();
        var org = login["data"]!["user"]!["orgid"]!.GetValue<string>();

        // A key applied for on node 1; the product, its price and its channel defined on node 2.
        using var onNode1 = nodes[1].CreateClient(session);
        var key = (await (await onNode1.PostAsJsonAsync("/dapi/apply_apikey.dspy", new { appname = "cluster" })).Content.ReadFromJsonAsync<JsonObject>())!["data"]!["apikey"]!.GetValue<string>();
        using (var admin = nodes[2].CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/pricing/programs", new { id = "pp-cluster-flat", name = "flat", ownerid = "0", timings = new[] { new { pricing_data = Table } } })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/pricing/llms", new { llmid = "cluster-paid", name = "Paid", model = "paid-upstream", ppid = "pp-cluster-flat", ownerid = "0" })).EnsureSuccessStatusCode();
            _openAi.AddKey("sk-cluster-paid");
            (await admin.PostAsJsonAsync("/api/channels", new { id = "cluster-paid", name = "paid", base_url = _openAi.BaseUrl.ToString(), keys = new[] { "sk-cluster-paid" }, models = new[] { "cluster-paid" } })).EnsureSuccessStatusCode();
        }

        // Recharge 10.00 through node 1; Alipay notifies node 2.
        var recharge = await (await onNode1.PostAsJsonAsync("/unipay/user_recharge.dspy", new { provider = "alipay", amount = 10, currency = "CNY" })).Content.ReadFromJsonAsync<JsonObject>();
        using (var browser = new HttpClient())
        {
            (await browser.GetAsync(recharge!["data"]!["redirct"]!.GetValue<string>())).EnsureSuccessStatusCode();
        }

        Assert.Equal("success", await _alipay.PayAsync(recharge["data"]!["orderid"]!.GetValue<string>(), deliverTo: new Uri(nodes[2].BaseUrl, "/unipay/alipay_notify")));

        // Every node must know the channel before the burst.
        var callers = nodes.Select(n => n.CreateClient(key)).ToArray();
        foreach (var caller in callers)
        {
            await Eventually.WaitUntilAsync(async () => (await (await caller.GetAsync("/v1/models")).Content.ReadAsStringAsync()).Contains("cluster-paid", StringComparison.Ordinal),
                "every node lists the channel's model");
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => callers[i % 3].ChatAsync($"paid {i}", model: "cluster-paid")));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(20, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, _openAi.Calls("sk-cluster-paid").Count);
        foreach (var node in nodes)
        {
            using var client = node.CreateClient(session);
            var balance = (await client.GetFromJsonAsync<JsonObject>("/accounting/mybalance.dspy"))!["data"]![0]!;
            Assert.Equal(0m, balance["balance"]!.GetValue<decimal>());
            Assert.Equal(0m, balance["held"]!.GetValue<decimal>());
        }

        Assert.Equal(0, await ScalarAsync("SELECT coalesce(sum(delta), 0) FROM mg_ledger_posting WHERE org_id = $1 AND subject = 'balance'", org));
        Assert.Equal(0, await ScalarAsync("SELECT balance FROM mg_ledger_account WHERE org_id = $1 AND subject = 'balance'", org));
        Assert.Equal(10, await ScalarAsync("SELECT count(*) FROM mg_biz_order WHERE customer_id = $1 AND business_op = 'PAY'", org));
    }

    private async Task<long> ScalarAsync(string sql, string org)
    {
        await using var command = _cluster.Database.Store.Npgsql.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = org });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
