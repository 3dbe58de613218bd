using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Channels;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// Issue 11, item 5: a downstream API key's <c>/v1/*</c> calls are priced by the LLM product's pricing program and
/// charged to its org's wallet — the estimate reserved before the call, the upstream's <c>usage</c> settled after it,
/// the reservation released when the call fails, and 429 <c>账户余额不够</c> when the wallet cannot cover the estimate.
/// The upstream is the OpenAI-compatible simulator, answering 1,000 prompt and 500 completion tokens.
/// </summary>
public sealed class LlmBillingTests(ChannelGateway gateway) : IClassFixture<ChannelGateway>
{
    // 2 yuan per thousand prompt tokens and 4 per thousand completion tokens: 1,000 + 500 tokens cost 4.00.
    private const string Table = """
        unit_values: {千: 1000}
        pricings:
        - {price_factors: prompt_tokens, unit_prices: 2, unit: 千, filters: [{model: billed-upstream}]}
        - {price_factors: completion_tokens, unit_prices: 4, unit: 千, filters: [{model: billed-upstream}]}
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_call_is_charged_the_price_of_the_upstreams_usage_once_with_an_order(bool stream)
    {
        var (session, key, model) = await SetUpAsync(100m, stream ? "stream" : "whole");

        using var response = await ChatAsync(key, model, stream, maxTokens: 200);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(stream ? "data: [DONE]" : "\"completion_tokens\":500", body, StringComparison.Ordinal);
        var balance = await BalanceAsync(session);
        Assert.Equal(96m, balance["balance"]!.GetValue<decimal>());
        Assert.Equal(0m, balance["held"]!.GetValue<decimal>());
        var orders = (await session.GetFromJsonAsync<JsonObject>("/platformbiz/query_orders.dspy"))!["data"]!;
        var charge = Assert.Single(orders["rows"]!.AsArray(), r => r!["business_op"]!.GetValue<string>() == "PAY")!;
        Assert.Equal(model, charge["llmid"]!.GetValue<string>());
        Assert.Equal(4m, charge["amount"]!.GetValue<decimal>());
        Assert.Equal(1000, charge["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(500, charge["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failed_call_releases_its_reservation_and_charges_nothing()
    {
        var (session, key, model) = await SetUpAsync(100m, "failed");
        gateway.Sim.InjectFault(ChannelKey(model), new OpenAiFault(OpenAiFaultKind.ServerError, StatusCode: 500));

        using var response = await ChatAsync(key, model, stream: false, maxTokens: 200);

        Assert.True((int)response.StatusCode >= 500, $"the only key failed, so the call fails ({(int)response.StatusCode})");
        var balance = await BalanceAsync(session);
        Assert.Equal(100m, balance["balance"]!.GetValue<decimal>());
        Assert.Equal(0m, balance["held"]!.GetValue<decimal>());
        gateway.Sim.ClearFaults(ChannelKey(model));
    }

    [Fact]
    public async Task A_wallet_that_cannot_cover_the_estimate_gets_429_and_the_upstream_is_never_asked()
    {
        // Without max_tokens the estimate reserves 2,048 completion tokens (8.19 yuan and more); 5 yuan do not cover it.
        var (session, key, model) = await SetUpAsync(5m, "poor");

        using var response = await ChatAsync(key, model, stream: false, maxTokens: null);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("账户余额不够", error["message"]!.GetValue<string>());
        Assert.Equal("insufficient_balance", error["code"]!.GetValue<string>());
        Assert.Empty(gateway.Sim.Calls(ChannelKey(model)));
        Assert.Equal(5m, (await BalanceAsync(session))["balance"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_platform_key_gets_no_unpriced_model_and_no_unbilled_endpoint()
    {
        var (_, key, model) = await SetUpAsync(100m, "refused");
        await gateway.AddChannelAsync("up-" + model, ["sk-unpriced-" + model], ["unpriced-" + model]);

        using var unpriced = await ChatAsync(key, "unpriced-" + model, stream: false, maxTokens: 10);
        using var client = Bearer(key);
        using var speech = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "hello", voice = "alloy" });
        using var backend = await client.PostAsJsonAsync("/backend-api/conversation", new { action = "next", model = "auto", messages = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.NotFound, unpriced.StatusCode);
        Assert.Equal("model_not_found", (await unpriced.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, speech.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, backend.StatusCode);
        Assert.Empty(gateway.Sim.Calls("sk-unpriced-" + model));
    }

    /// <summary>An org with <paramref name="funds"/>, a logged-in user of it, a downstream key, and a priced product served by a channel of its own.</summary>
    private async Task<(HttpClient Session, string Key, string Model)> SetUpAsync(decimal funds, string name)
    {
        gateway.Sim.Options.PromptTokens = 1000;
        gateway.Sim.Options.CompletionTokens = 500;
        var org = LedgerGateway.NewOrg();
        var model = $"billed-{name}-{Guid.NewGuid():N}"[..32];
        var ppid = "pp-" + model;
        using (var admin = gateway.App.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/pricing/programs", new { id = ppid, name = "tokens", ownerid = "0", timings = new[] { new { pricing_data = Table } } })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/pricing/llms", new { llmid = model, name = "Billed model", model = "billed-upstream", ppid, ownerid = "0" })).EnsureSuccessStatusCode();
        }

        await gateway.AddChannelAsync("ch-" + model, [ChannelKey(model)], [model]);
        var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
        var orderId = "fund-" + Guid.NewGuid().ToString("N");
        Assert.True(await wallet.CreateRechargeOrderAsync(orderId, "user-1", funds, "test"));
        Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync(orderId, funds)).Outcome);

        var session = await gateway.App.LoggedInAsync(org);
        var applied = await (await session.PostAsJsonAsync("/dapi/apply_apikey.dspy", new { appname = "billing " + name })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("ok", applied!["status"]!.GetValue<string>());
        return (session, applied["data"]!["apikey"]!.GetValue<string>(), model);
    }

    private static string ChannelKey(string model) => "sk-" + model;

    private HttpClient Bearer(string key)
    {
        var client = gateway.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<HttpResponseMessage> ChatAsync(string key, string model, bool stream, int? maxTokens)
    {
        using var client = Bearer(key);
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "How much is this?" }),
            ["stream"] = stream,
        };
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        var response = await client.PostAsJsonAsync("/v1/chat/completions", body);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<JsonObject> BalanceAsync(HttpClient session)
    {
        var answer = await session.GetFromJsonAsync<JsonObject>("/accounting/mybalance.dspy");
        Assert.Equal("ok", answer!["status"]!.GetValue<string>());
        return answer["data"]![0]!.AsObject();
    }
}
