using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// Pricing programs through HTTP: put by the admin routes, evaluated by <c>test_pricing_program.dspy</c> and quoted by
/// <c>product_query_price.dspy</c>, with research D.5's examples (tokens per 百万, duration filtered by SR, flat).
/// </summary>
public sealed class PricingTests(LedgerGateway gateway) : IClassFixture<LedgerGateway>
{
    // llmage's wan2.7 t2v table (research D.5), verbatim apart from the YAML layout.
    private const string VideoTable = """
        unit_values: {秒: 1}
        fields:
          price_factors: {type: string, role: factor, label: 计价因子}
          unit_prices:   {type: float,  role: factor, label: 单位定价}
          unit:          {type: string, role: factor, label: 计价单位}
          SR:            {type: string, role: filter, label: SR}
        pricings:
        - {price_factors: duration, unit_prices: 0.6, unit: 秒, filters: [{SR: 720}]}
        - {price_factors: duration, unit_prices: 1.0, unit: 秒, filters: [{SR: 1080}]}
        """;

    private const string TokenTable = """
        unit_values: {百万: 1000000}
        pricings:
        - {price_factors: prompt_tokens, unit_prices: 2.1, unit: 百万, filters: [{model: MiniMax-M3}]}
        - {price_factors: completion_tokens, unit_prices: 8.4, unit: 百万, filters: [{model: MiniMax-M3}]}
        - {price_factors: prompt_tokens, unit_prices: 100, unit: 百万, filters: [{model: other}]}
        - {price_factors: flat, unit_prices: 0.01}
        """;

    [Theory]
    [InlineData(720, "5", 3.0)]
    [InlineData(1080, "5", 5.0)]
    [InlineData(540, "5", 0.0)]
    public async Task Duration_is_priced_by_the_line_its_SR_filter_selects(int sr, string duration, double expected)
    {
        var ppid = await PutProgramAsync(VideoTable);
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        var answer = await PostAsync(client, "/pricing/test_pricing_program.dspy", new JsonObject { ["ppid"] = ppid, ["data"] = new JsonObject { ["duration"] = duration, ["SR"] = $"{sr}p" } });

        Assert.Equal("ok", answer["status"]!.GetValue<string>());
        Assert.Equal((decimal)expected, answer["data"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(ppid, answer["data"]!["ppid"]!.GetValue<string>());
        Assert.Equal(expected == 0 ? 0 : 1, answer["data"]!["result"]!.AsArray().Count);
    }

    [Fact]
    public async Task Tokens_are_priced_per_million_exactly_plus_the_flat_item()
    {
        var ppid = await PutProgramAsync(TokenTable);
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        // 1234 × 2.1 / 10^6 + 567 × 8.4 / 10^6 + 0.01 = 0.0025914 + 0.0047628 + 0.01: exact only in decimals.
        var answer = await PostAsync(client, "/pricing/test_pricing_program.dspy",
            new JsonObject { ["ppid"] = ppid, ["data"] = new JsonObject { ["model"] = "minimax-m3", ["prompt_tokens"] = 1234, ["completion_tokens"] = 567 } });

        Assert.Equal(0.0173542m, answer["data"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(["prompt_tokens", "completion_tokens", "flat"], answer["data"]!["result"]!.AsArray().Select(l => l!["price_factors"]!.GetValue<string>()));
    }

    // list_price has the program's discount, price the customer's too, both to 2 places; the form spelling works as well.
    [Fact]
    public async Task Product_query_price_gives_list_price_before_and_price_after_the_customer_discount()
    {
        var ppid = await PutProgramAsync(VideoTable, discount: 0.9m);
        var reseller = LedgerGateway.NewOrg();
        var customer = LedgerGateway.NewOrg();
        var llmid = "llm-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/pricing/llms", new { llmid, name = "万相 2.7", model = "wan2.7-t2v", ppid, ownerid = reseller })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/pricing/discounts", new { resellerid = reseller, customerid = customer, discount = 0.8 })).EnsureSuccessStatusCode();
        using var client = await gateway.App.LoggedInAsync(customer);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["product_type"] = "llm",
            ["product_id"] = llmid,
            ["config_data"] = "{\"duration\": 7, \"SR\": 1080}",
        });
        var answer = await (await client.PostAsync("/platformbiz/product_query_price.dspy", form)).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("ok", answer!["status"]!.GetValue<string>());
        Assert.Equal(6.3m, answer["data"]!["list_price"]!.GetValue<decimal>());
        Assert.Equal(5.04m, answer["data"]!["price"]!.GetValue<decimal>());
        Assert.Equal(7, answer["data"]!["config_data"]!["duration"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_the_timing_in_force_today_prices_and_none_in_force_is_an_error()
    {
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        var ppid = "pp-" + Guid.NewGuid().ToString("N")[..12];
        var today = DateOnly.FromDateTime(DateTime.Now);
        var old = "pricings:\n- {price_factors: flat, unit_prices: 1}";
        var current = "pricings:\n- {price_factors: flat, unit_prices: 2}";
        (await admin.PostAsJsonAsync("/api/pricing/programs", new
        {
            id = ppid, name = "dated", ownerid = "0",
            timings = new[]
            {
                new { enabled_date = today.AddDays(-30).ToString("yyyy-MM-dd"), expired_date = today.AddDays(-1).ToString("yyyy-MM-dd"), pricing_data = old },
                new { enabled_date = today.AddDays(-1).ToString("yyyy-MM-dd"), expired_date = today.AddDays(2).ToString("yyyy-MM-dd"), pricing_data = current },
            },
        })).EnsureSuccessStatusCode();
        var future = "pp-" + Guid.NewGuid().ToString("N")[..12];
        (await admin.PostAsJsonAsync("/api/pricing/programs", new
        {
            id = future, name = "later", ownerid = "0",
            timings = new[] { new { enabled_date = today.AddDays(5).ToString("yyyy-MM-dd"), pricing_data = current } },
        })).EnsureSuccessStatusCode();
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        var priced = await PostAsync(client, "/pricing/test_pricing_program.dspy", new JsonObject { ["ppid"] = ppid, ["data"] = new JsonObject() });
        var none = await PostAsync(client, "/pricing/test_pricing_program.dspy", new JsonObject { ["ppid"] = future, ["data"] = new JsonObject() });

        Assert.Equal(2m, priced["data"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("error", none["status"]!.GetValue<string>());
        Assert.StartsWith("data not found", none["data"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pricings: [{price_factors: duration, unit_prices: !!python/object:os.system ls}]", "unit_prices")]
    [InlineData("pricings: [{price_factors: duration, unit_prices: 0.6, filters: {SR: 720}}]", "filters")]
    [InlineData("unit_values: {秒: 0}\npricings: []", "unit_values")]
    [InlineData("pricings: [ {", "not valid YAML")]
    [InlineData("- just a list", "mapping")]
    public async Task A_bad_program_is_refused_with_the_reason_and_not_stored(string yaml, string reason)
    {
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        var ppid = "pp-" + Guid.NewGuid().ToString("N")[..12];

        var response = await admin.PostAsJsonAsync("/api/pricing/programs", new { id = ppid, name = "bad", ownerid = "0", timings = new[] { new { pricing_data = yaml } } });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/pricing/programs/{ppid}")).StatusCode);
    }

    [Fact]
    public async Task The_pricing_admin_routes_need_the_admin_password()
    {
        using var anonymous = gateway.App.CreateClient("wrong");

        var response = await anonymous.PostAsJsonAsync("/api/pricing/programs", new { id = "x", name = "x", ownerid = "0", timings = new[] { new { pricing_data = TokenTable } } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/pricing/test_pricing_program.dspy", "{\"data\":{}}", "need a ppid")]
    [InlineData("/pricing/test_pricing_program.dspy", "{\"ppid\":\"nope\"}", "need a data (the usage dict)")]
    [InlineData("/pricing/test_pricing_program.dspy", "{\"ppid\":\"nope\",\"data\":{}}", "没有找到定价项目 nope")]
    [InlineData("/platformbiz/product_query_price.dspy", "{\"product_type\":\"llm\",\"config_data\":{}}", "need a llmid")]
    [InlineData("/platformbiz/product_query_price.dspy", "{\"product_id\":\"x\"}", "need a config_data")]
    [InlineData("/platformbiz/product_query_price.dspy", "{\"product_id\":\"missing\",\"config_data\":{}}", "没有找到产品 missing")]
    [InlineData("/platformbiz/product_query_price.dspy", "{\"product_type\":\"vm\",\"product_id\":\"x\",\"config_data\":{}}", "product_type 只支持 llm")]
    public async Task Missing_or_unknown_parameters_get_the_platforms_error_shape(string path, string json, string message)
    {
        using var client = await gateway.App.LoggedInAsync(LedgerGateway.NewOrg());

        var response = await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("error", answer!["status"]!.GetValue<string>());
        Assert.Equal(message, answer["data"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Quoting_needs_a_login()
    {
        using var client = gateway.App.CreateClient();

        var answer = await PostAsync(client, "/platformbiz/product_query_price.dspy", new JsonObject { ["product_id"] = "x", ["config_data"] = new JsonObject() });

        Assert.Equal("请先登录", answer["data"]!["message"]!.GetValue<string>());
    }

    private async Task<string> PutProgramAsync(string table, decimal discount = 1m)
    {
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        var ppid = "pp-" + Guid.NewGuid().ToString("N")[..12];
        var response = await admin.PostAsJsonAsync("/api/pricing/programs", new { id = ppid, name = "test", ownerid = "0", discount, timings = new[] { new { pricing_data = table } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ppid;
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
