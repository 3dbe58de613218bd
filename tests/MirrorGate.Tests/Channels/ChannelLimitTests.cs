using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Api.Channels;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Channels;

/// <summary>
/// A user's tokens-per-minute and concurrency limits on a channel model, exact under concurrent requests: the user
/// grain decides every admission and settlement in one activation, so the counts come out the same whatever the
/// interleaving.
/// </summary>
public sealed class ChannelLimitTests(ChannelGateway gateway) : IClassFixture<ChannelGateway>
{
    [Fact]
    public async Task A_tpm_limit_admits_exactly_the_requests_whose_tokens_fit_under_concurrent_load()
    {
        const string model = "tpm-model";
        await gateway.AddChannelAsync("tpm", ["sk-tpm-0001"], [model]);
        const string body = "{\"model\":\"tpm-model\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"count me in\"}]}";
        var estimate = ChannelRequest.EstimateTokens(Encoding.UTF8.GetByteCount(body), 20);

        // The upstream reports exactly the estimate, so settling changes no sum and the outcome cannot depend on timing.
        gateway.Sim.Options.PromptTokens = estimate - 20;
        gateway.Sim.Options.CompletionTokens = 20;
        try
        {
            var token = await gateway.UserTokenAsync("tpm-user", new[] { new { model_name = model, tpm = (3 * estimate) + (estimate / 2) } });
            using var client = gateway.App.CreateClient(token);
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))));

            Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.Equal(5, refused.Count);
            Assert.Equal("token_limit_exceeded", JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
            Assert.NotNull(refused[0].Headers.RetryAfter);

            var records = gateway.Usage.Where(r => r.UserName == "tpm-user").ToList();
            Assert.Equal(3, records.Count);
            Assert.All(records, r => Assert.Equal(estimate, r.PromptTokens + r.CompletionTokens));
            Assert.Equal(3, gateway.Sim.Calls("sk-tpm-0001").Count);

            // The window is full: the next one is refused too, without reaching the upstream.
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(3, gateway.Sim.Calls("sk-tpm-0001").Count);
        }
        finally
        {
            gateway.Sim.Options.PromptTokens = null;
            gateway.Sim.Options.CompletionTokens = null;
        }
    }

    [Fact]
    public async Task A_concurrency_limit_holds_exactly_its_number_of_requests_in_flight_and_frees_them_when_they_end()
    {
        const string model = "concurrency-model";
        await gateway.AddChannelAsync("concurrency", ["sk-concurrency-0001"], [model]);
        gateway.Sim.InjectFault("sk-concurrency-0001", new OpenAiFault(OpenAiFaultKind.Hold));
        var token = await gateway.UserTokenAsync("concurrency-user", new[] { new { model_name = model, concurrency = 2 } });
        using var client = gateway.App.CreateClient(token);
        const string body = "{\"model\":\"concurrency-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}]}";

        var requests = Enumerable.Range(0, 6).Select(_ => client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))).ToList();
        await Eventually.WaitUntilAsync(() => gateway.Sim.Held == 2 && requests.Count(r => r.IsCompleted) == 4, "two requests are held upstream and four were refused");

        var refusedRequests = requests.Where(r => r.IsCompleted).ToList();
        var refused = refusedRequests.Select(r => r.Result).ToList();
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal("concurrency_limit_exceeded", JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        gateway.Sim.ClearFaults("sk-concurrency-0001");
        gateway.Sim.Release();
        var held = await Task.WhenAll(requests.Except(refusedRequests));
        Assert.All(held, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var answer in held)
        {
            Assert.EndsWith("data: [DONE]\n\n", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Both slots were given back when the answers ended: two more at once fit again.
        var again = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))));
        Assert.All(again, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, gateway.Usage.Count(r => r.UserName == "concurrency-user"));
    }

    /// <summary>
    /// The limited path under a burst, through HTTP: grants share the user grain's writes (group commit) and records
    /// share the ledger's transactions (batches), and still exactly the limit is served, every served request has
    /// exactly one stored record, and a refused one has none.
    /// </summary>
    [Fact]
    public async Task A_burst_on_a_request_limit_serves_exactly_the_limit_with_one_usage_record_each()
    {
        const string model = "burst-model";
        await gateway.AddChannelAsync("burst", ["sk-burst-0001"], [model]);
        var token = await gateway.UserTokenAsync("burst-user", new[] { new { model_name = model, every_minute = 1, limit_count = 25 } });
        using var client = gateway.App.CreateClient(token);
        const string whole = "{\"model\":\"burst-model\",\"messages\":[{\"role\":\"user\",\"content\":\"one of many\"}]}";
        const string streamed = "{\"model\":\"burst-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one of many\"}]}";

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            client.PostAsync("/v1/chat/completions", new StringContent(i % 2 == 0 ? whole : streamed, Encoding.UTF8, "application/json"))));

        var served = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Equal(25, served.Count);
        Assert.Equal(35, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        var records = gateway.Usage.Where(r => r.UserName == "burst-user").ToList();
        Assert.Equal(25, records.Count);
        Assert.Equal(25, records.Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(25, gateway.Sim.Calls("sk-burst-0001").Count);
    }
    /// <summary>
    /// A node takes request-limited uses from leases (blocks counted by the user's grain): on one node none of them is
    /// lost, whatever mix of bursts and single requests arrives — what a lease left unused goes back with the next.
    /// </summary>
    [Fact]
    public async Task A_request_limit_on_one_node_serves_every_use_through_leases_neither_more_nor_fewer()
    {
        const string model = "lease-model";
        await gateway.AddChannelAsync("lease", ["sk-lease-0001"], [model]);
        var token = await gateway.UserTokenAsync("lease-user", new[] { new { model_name = model, every_minute = 1, limit_count = 40 } });
        using var client = gateway.App.CreateClient(token);
        const string body = "{\"model\":\"lease-model\",\"messages\":[{\"role\":\"user\",\"content\":\"lease\"}]}";

        var served = 0;
        foreach (var burst in new[] { 1, 9, 3, 1, 17, 2, 1, 1, 30 })
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))));
            served += answers.Count(a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        }

        Assert.Equal(40, served);
        using var refused = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(40, gateway.Sim.Calls("sk-lease-0001").Count);
        Assert.Equal(40, gateway.Usage.Count(r => r.UserName == "lease-user"));
    }

    /// <summary>A request that fails before its answer gives its leased use back: the user still gets the whole limit.</summary>
    [Fact]
    public async Task A_failed_request_gives_its_leased_use_back()
    {
        const string model = "lease-fail-model";
        await gateway.AddChannelAsync("lease-fail", ["sk-lease-fail"], [model]);
        var token = await gateway.UserTokenAsync("lease-fail-user", new[] { new { model_name = model, every_minute = 1, limit_count = 3 } });
        using var client = gateway.App.CreateClient(token);
        const string body = "{\"model\":\"lease-fail-model\",\"messages\":[{\"role\":\"user\",\"content\":\"fail once\"}]}";

        gateway.Sim.InjectFault("sk-lease-fail", new OpenAiFault(OpenAiFaultKind.ServerError, Times: 3));
        using (var failed = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, failed.StatusCode);
        }

        gateway.Sim.ClearFaults("sk-lease-fail");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var answer = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            statuses.Add(answer.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
