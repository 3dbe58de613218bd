using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Videos;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Channels;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Tests.Platform;

namespace MirrorGate.Tests.Observability;

/// <summary>
/// <c>/metrics</c> scraped before and after known traffic moves by exactly that traffic: successes, a 429 that fails
/// over to the next key, a limit refusal, a platform key's charge and its wallet's recharge. And a scrape without the
/// token is refused.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class MetricsTests(ObservabilityGateway gateway)
{
    private const string Route = "/v1/chat/completions";

    [Fact]
    public async Task The_counters_move_by_exactly_the_traffic_sent()
    {
        const string model = "metrics-model";
        await gateway.AddChannelAsync("metrics-a", ["sk-metrics-first"], [model], priority: 10);
        await gateway.AddChannelAsync("metrics-b", ["sk-metrics-second"], [model], priority: 0);
        var first = ChannelIds.ForKey("metrics-a", 0);
        var second = ChannelIds.ForKey("metrics-b", 0);
        var user = await gateway.UserTokenAsync("metrics-user", new[] { new { model_name = model, every_minute = 60, limit_count = 4 } });
        using var client = gateway.App.CreateClient(user);
        var before = await ScrapeAsync();

        // 2 plain successes on the first key; 1 that meets a 429 there and is answered by the second; then the user's
        // fourth use succeeds and the fifth is refused by the limit.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, model)).StatusCode);
        }

        gateway.Sim.InjectFault("sk-metrics-first", new OpenAiFault(OpenAiFaultKind.RateLimited, RetryAfter: 600, Model: model, Times: 1));
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, model)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client, model)).StatusCode);
        var refused = await ChatAsync(client, model);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("model_limit_exceeded", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());

        var after = await ScrapeUntilAsync(s => s.Sum("mirrorgate_requests_total", ("route", Route), ("model", model)) - before.Sum("mirrorgate_requests_total", ("route", Route), ("model", model)) >= 5);

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        var byFirst = Delta("mirrorgate_requests_total", ("route", Route), ("model", model), ("key", first), ("status", "200"));
        var bySecond = Delta("mirrorgate_requests_total", ("route", Route), ("model", model), ("key", second), ("status", "200"));

        // The request that met the 429 counts once, under the key that answered it (the second). Whether the fourth
        // already saw the first key's cool-down depends on when the key's snapshot reached the pool: either key may count it.
        Assert.Equal(4, byFirst + bySecond);
        Assert.InRange(bySecond, 1, 2);
        Assert.Equal(1, Delta("mirrorgate_requests_total", ("route", Route), ("model", model), ("status", "429")));
        Assert.Equal(5, Delta("mirrorgate_requests_total", ("route", Route), ("model", model)));
        Assert.Equal(1, Delta("mirrorgate_upstream_failures_total", ("kind", "rate_limited")));
        Assert.Equal(0, Delta("mirrorgate_upstream_failures_total", ("kind", "server_error")));
        Assert.Equal(1, Delta("mirrorgate_limit_refusals_total", ("code", "model_limit_exceeded")));

        // Every request of the route is in the added-latency histogram once, and no label carries a user.
        Assert.Equal(Delta("mirrorgate_requests_total", ("route", Route)), Delta("mirrorgate_added_latency_seconds_count", ("route", Route)));
        Assert.DoesNotContain("metrics-user", after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(user, after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-metrics", after.Text, StringComparison.Ordinal);
        Assert.True(after.Sum("mirrorgate_accounts", ("kind", "channel_key"), ("state", "active")) >= 2, "both keys of this test are active in the pool view");
        Assert.Equal(1, after.Sum("mirrorgate_accounts", ("kind", "account"), ("state", "active")));
    }

    [Fact]
    public async Task A_model_no_channel_or_catalog_knows_is_no_label()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var before = await ScrapeAsync();

        var answer = await client.PostAsJsonAsync("/v1/completions", new { model = "no-such-model-7f3a", prompt = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        var after = await ScrapeUntilAsync(s => s.Sum("mirrorgate_requests_total", ("route", "/v1/completions"), ("status", "404")) > before.Sum("mirrorgate_requests_total", ("route", "/v1/completions"), ("status", "404")));
        Assert.DoesNotContain("no-such-model-7f3a", after.Text, StringComparison.Ordinal);
        Assert.Equal(1, after.Sum("mirrorgate_requests_total", ("route", "/v1/completions"), ("model", ""), ("status", "404")) - before.Sum("mirrorgate_requests_total", ("route", "/v1/completions"), ("model", ""), ("status", "404")));
    }

    [Fact]
    public async Task A_platform_charge_and_a_recharge_are_counted_once_where_the_ledger_commits()
    {
        const string table = """
            unit_values: {千: 1000}
            pricings:
            - {price_factors: prompt_tokens, unit_prices: 2, unit: 千, filters: [{model: metrics-billed-upstream}]}
            - {price_factors: completion_tokens, unit_prices: 4, unit: 千, filters: [{model: metrics-billed-upstream}]}
            """;
        gateway.Sim.Options.PromptTokens = 1000;
        gateway.Sim.Options.CompletionTokens = 500;
        try
        {
            const string model = "metrics-billed";
            using (var admin = gateway.App.CreateClient(GatewayApp.AdminPassword))
            {
                (await admin.PostAsJsonAsync("/api/pricing/programs", new { id = "pp-metrics", name = "tokens", ownerid = "0", timings = new[] { new { pricing_data = table } } })).EnsureSuccessStatusCode();
                (await admin.PostAsJsonAsync("/api/pricing/llms", new { llmid = model, name = "Billed", model = "metrics-billed-upstream", ppid = "pp-metrics", ownerid = "0" })).EnsureSuccessStatusCode();
            }

            await gateway.AddChannelAsync("metrics-billed", ["sk-metrics-billed"], [model]);
            var org = LedgerGateway.NewOrg();
            var before = await ScrapeAsync();

            var wallet = gateway.App.Grains.GetGrain<IWalletGrain>(org);
            Assert.True(await wallet.CreateRechargeOrderAsync("metrics-fund-" + org, "user-1", 100m, "test"));
            Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync("metrics-fund-" + org, 100m)).Outcome);

            // The same recharge again commits nothing, and counts nothing.
            Assert.NotEqual(WalletOutcome.Done, (await wallet.RechargeAsync("metrics-fund-" + org, 100m)).Outcome);
            using var session = await gateway.App.LoggedInAsync(org);
            var applied = await (await session.PostAsJsonAsync("/dapi/apply_apikey.dspy", new { appname = "metrics" })).Content.ReadFromJsonAsync<JsonObject>();
            using var client = gateway.App.CreateClient(applied!["data"]!["apikey"]!.GetValue<string>());
            var answer = await ChatAsync(client, model, maxTokens: 200);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            var after = await ScrapeUntilAsync(s => s.Sum("mirrorgate_ledger_transactions_total", ("action", "PAY")) > before.Sum("mirrorgate_ledger_transactions_total", ("action", "PAY")));
            Assert.Equal(1, after.Sum("mirrorgate_ledger_transactions_total", ("action", "RECHARGE")) - before.Sum("mirrorgate_ledger_transactions_total", ("action", "RECHARGE")));
            Assert.Equal(100, after.Sum("mirrorgate_ledger_amount_yuan_total", ("action", "RECHARGE")) - before.Sum("mirrorgate_ledger_amount_yuan_total", ("action", "RECHARGE")), 6);
            Assert.Equal(1, after.Sum("mirrorgate_ledger_transactions_total", ("action", "PAY")) - before.Sum("mirrorgate_ledger_transactions_total", ("action", "PAY")));
            Assert.Equal(4, after.Sum("mirrorgate_ledger_amount_yuan_total", ("action", "PAY")) - before.Sum("mirrorgate_ledger_amount_yuan_total", ("action", "PAY")), 6);
            Assert.DoesNotContain(org, after.Text, StringComparison.Ordinal);
        }
        finally
        {
            gateway.Sim.Options.PromptTokens = null;
            gateway.Sim.Options.CompletionTokens = null;
        }
    }

    [Fact]
    public async Task A_chat_on_the_ChatGPT_web_path_counts_under_its_model_and_account()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var account = (await gateway.App.SnapshotAsync(ChannelGateway.OwnerEmail)).AccountId;
        var before = await ScrapeAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Route, new { model = "auto", messages = new[] { new { role = "user", content = "web" } } })).StatusCode);

        var after = await ScrapeUntilAsync(s => s.Sum("mirrorgate_requests_total", ("route", Route), ("model", "auto")) > before.Sum("mirrorgate_requests_total", ("route", Route), ("model", "auto")));
        Assert.Equal(1, after.Sum("mirrorgate_requests_total", ("route", Route), ("model", "auto"), ("key", account), ("status", "200")) - before.Sum("mirrorgate_requests_total", ("route", Route), ("model", "auto"), ("key", account), ("status", "200")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData(GatewayApp.AdminPassword)]
    public async Task A_scrape_without_the_token_is_refused(string? token)
    {
        using var client = new HttpClient { BaseAddress = gateway.App.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var answer = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.DoesNotContain("mirrorgate_requests_total", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model, int? maxTokens = null) =>
        client.PostAsJsonAsync(Route, new { model, max_tokens = maxTokens ?? 16, messages = new[] { new { role = "user", content = "count me" } } });

    [Fact]
    public async Task Video_tasks_are_exported_by_status_as_the_catalog_counts_them()
    {
        var before = await ScrapeAsync();
        var catalog = gateway.App.Services.GetRequiredService<IVideoTaskCatalog>();
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var id = $"metrics-{Guid.NewGuid():N}";
            await catalog.UpsertAsync(new VideoTaskRecord(id, "metrics-user", "metrics-org", "viduq1", i < 2 ? VideoStatus.Pending : VideoStatus.Succeeded,
                "processing", i < 2 ? VideoSettlement.Held : VideoSettlement.Charged, 1m, null, at, at));
        }

        var after = await ScrapeAsync();

        Assert.Equal(2, after.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Pending)) - before.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Pending)));
        Assert.Equal(1, after.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Succeeded)) - before.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Succeeded)));
        Assert.Equal(before.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Failed)), after.Sum("mirrorgate_video_tasks", ("status", VideoStatus.Failed)));
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = gateway.App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ObservabilityGateway.ScrapeToken);
        var answer = await client.GetAsync("/metrics");
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, text);
        Assert.StartsWith("text/plain", answer.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        return new PrometheusText(text);
    }

    /// <summary>A request is recorded as its pipeline ends, which a client reading a sized body may beat by a moment.</summary>
    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> condition)
    {
        PrometheusText? last = null;
        await Eventually.WaitUntilAsync(async () => condition(last = await ScrapeAsync()), "the scrape shows the traffic");
        return last!;
    }
}
