using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Channels;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Channels;

/// <summary>A channel gateway on a clock the tests move, so cool-downs can be asserted exactly.</summary>
public sealed class ManualClockChannelGateway() : ChannelGateway(kestrel: false, time: Clock)
{
    // One clock per fixture instance would need a constructor argument xunit cannot give; the fixture is made once per class.
    private static readonly ManualTimeProvider Clock = new();

    public ManualTimeProvider Time => Clock;
}

/// <summary>
/// Failover before the first byte, for each fault kind: the request is answered by the next key (here: of a lower
/// priority channel), the faulty key is treated as the fault says, and the request's usage is recorded once.
/// </summary>
public sealed class ChannelFailoverTests(ManualClockChannelGateway gateway) : IClassFixture<ManualClockChannelGateway>
{
    [Theory]
    [InlineData(OpenAiFaultKind.Unauthorized, 0, false)]
    [InlineData(OpenAiFaultKind.Forbidden, 0, true)]
    [InlineData(OpenAiFaultKind.ServerError, 500, false)]
    [InlineData(OpenAiFaultKind.ServerError, 503, true)]
    [InlineData(OpenAiFaultKind.ConnectionReset, 0, false)]
    [InlineData(OpenAiFaultKind.ConnectionReset, 0, true)]
    [InlineData(OpenAiFaultKind.DropMidStream, 0, true)]
    [InlineData(OpenAiFaultKind.DropMidStream, 0, false)]
    public async Task A_fault_before_the_first_byte_moves_to_the_next_key_and_usage_is_recorded_once(OpenAiFaultKind kind, int status, bool stream)
    {
        var name = $"fo-{kind}-{status}-{stream}".ToLowerInvariant();
        var model = name + "-model";
        await gateway.AddChannelAsync(name + "-a", [$"sk-{name}-first"], [model], priority: 10);
        await gateway.AddChannelAsync(name + "-b", [$"sk-{name}-second"], [model], priority: 0);
        gateway.Sim.InjectFault($"sk-{name}-first", new OpenAiFault(kind, StatusCode: status, Times: 1));
        var user = await gateway.UserTokenAsync(name, new[] { new { model_name = model, every_minute = 1, limit_count = 5 } });
        using var client = gateway.App.CreateClient(user);

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model, stream, messages = new[] { new { role = "user", content = "hello" } } });
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains(stream ? "data: [DONE]" : "\"chat.completion\"", text, StringComparison.Ordinal);
        Assert.Single(gateway.Sim.Calls($"sk-{name}-first"));
        Assert.Single(gateway.Sim.Calls($"sk-{name}-second"));
        var record = Assert.Single(gateway.Usage, r => r.Model == model);
        Assert.Equal(ChannelIds.ForKey(name + "-b", 0), record.AccountId);
        Assert.Equal(name, record.UserName);

        var first = await gateway.KeyAsync(name + "-a", 0);
        if (kind is OpenAiFaultKind.Unauthorized or OpenAiFaultKind.Forbidden)
        {
            Assert.Equal(ChannelKeyStatus.Rejected, first.Status);
            Assert.Contains(kind is OpenAiFaultKind.Unauthorized ? "HTTP 401" : "HTTP 403", first.StatusReason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ChannelKeyStatus.Active, first.Status);
        }
    }

    [Theory]
    [InlineData(7, null, null, 7_000)]
    [InlineData(null, "6m0s", "1s", 360_000)]
    [InlineData(null, null, "120ms", 120)]
    [InlineData(null, null, null, 60_000)]
    public async Task A_429_cools_the_key_down_for_that_model_as_its_headers_say_and_the_next_key_answers(int? retryAfter, string? resetRequests, string? resetTokens, int expectedMs)
    {
        var name = $"rl-{retryAfter}-{resetRequests}-{resetTokens}".ToLowerInvariant().Replace("--", "-", StringComparison.Ordinal);
        var model = name + "-model";
        await gateway.AddChannelAsync(name + "-a", [$"sk-{name}-first"], [model, model + "-other"], priority: 10);
        await gateway.AddChannelAsync(name + "-b", [$"sk-{name}-second"], [model], priority: 0);
        gateway.Sim.InjectFault($"sk-{name}-first", new OpenAiFault(OpenAiFaultKind.RateLimited, RetryAfter: retryAfter, ResetRequests: resetRequests, ResetTokens: resetTokens, Times: 1));
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var now = gateway.Time.GetUtcNow();

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hello" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = await gateway.KeyAsync(name + "-a", 0);
        Assert.Equal(now + TimeSpan.FromMilliseconds(expectedMs), first.Cooldowns[model]);
        Assert.False(first.Cooldowns.ContainsKey(model + "-other"));
        Assert.Single(gateway.Usage, r => r.Model == model);

        // While it cools down the next request goes straight to the other key; once the time has passed, back to the first.
        var pool = gateway.App.Services.GetRequiredService<ChannelPool>();
        await Eventually.WaitUntilAsync(() => pool.TryGet(first.KeyId, out var seen) && seen.Cooldowns.ContainsKey(model), "the cool-down reached the node's pool");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "again" } } })).StatusCode);
        Assert.Single(gateway.Sim.Calls($"sk-{name}-first"));
        Assert.Equal(2, gateway.Sim.Calls($"sk-{name}-second").Count);

        gateway.Time.Advance(TimeSpan.FromMilliseconds(expectedMs));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "later" } } })).StatusCode);
        Assert.Equal(2, gateway.Sim.Calls($"sk-{name}-first").Count);
    }

    [Fact]
    public async Task A_stream_that_breaks_after_its_first_byte_ends_with_an_error_not_a_failover_and_records_nothing()
    {
        const string model = "broken-after-model";
        await gateway.AddChannelAsync("broken-after-a", ["sk-broken-after-first"], [model], priority: 10);
        await gateway.AddChannelAsync("broken-after-b", ["sk-broken-after-second"], [model]);
        gateway.Sim.InjectFault("sk-broken-after-first", new OpenAiFault(OpenAiFaultKind.DropMidStream, AfterChunks: 2, Times: 1));
        var user = await gateway.UserTokenAsync("broken-after", new[] { new { model_name = model, every_minute = 1, limit_count = 1 } });
        using var client = gateway.App.CreateClient(user);

        string events;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new { model, stream = true, messages = new[] { new { role = "user", content = "hello" } } }) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            events = await reader.ReadToEndAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The gateway broke the connection after its error event: what the client read up to there is lost here, which is fine.
            events = "(connection broken)";
        }

        Assert.DoesNotContain("[DONE]", events, StringComparison.Ordinal);
        Assert.Empty(gateway.Sim.Calls("sk-broken-after-second"));
        Assert.DoesNotContain(gateway.Usage, r => r.Model == model);

        // The use was given back: the user's one message a minute is still there. The gateway gives it back as the
        // broken turn ends, which races the client's next request (the client saw the break first), so ask until it
        // is there; a refused request takes nothing, and a use never given back fails the wait.
        await Eventually.WaitUntilAsync(async () =>
        {
            using var again = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "again" } } });
            Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {(int)again.StatusCode}");
            return again.StatusCode == HttpStatusCode.OK;
        }, "the broken turn's use is given back");
    }

    [Fact]
    public async Task When_every_key_fails_the_caller_hears_why_and_nothing_is_recorded()
    {
        const string model = "all-fail-model";
        await gateway.AddChannelAsync("all-fail", ["sk-all-fail-1", "sk-all-fail-2"], [model]);
        gateway.Sim.InjectFault("sk-all-fail-1", new OpenAiFault(OpenAiFaultKind.ServerError, Times: 1));
        gateway.Sim.InjectFault("sk-all-fail-2", new OpenAiFault(OpenAiFaultKind.ServerError, Times: 1));
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);

        var failed = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "x" } } });
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal("upstream_error", JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        gateway.Sim.InjectFault("sk-all-fail-1", new OpenAiFault(OpenAiFaultKind.RateLimited, RetryAfter: 30, Times: 1));
        gateway.Sim.InjectFault("sk-all-fail-2", new OpenAiFault(OpenAiFaultKind.RateLimited, RetryAfter: 20, Times: 1));
        var limited = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "x" } } });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.DoesNotContain(gateway.Usage, r => r.Model == model);

        // Both cooling down: the gateway answers 429 itself, without calling the upstream, until the first comes back.
        await Eventually.WaitUntilAsync(() => gateway.App.Services.GetRequiredService<ChannelPool>().Keys.Count(k => k.Channel.ChannelId == "all-fail" && k.Cooldowns.ContainsKey(model)) == 2, "both cool-downs reached the pool");
        var calls = gateway.Sim.Calls().Count;
        var refused = await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "x" } } });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(20, (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
        Assert.Equal(calls, gateway.Sim.Calls().Count);
    }

    [Fact]
    public async Task Priority_comes_first_then_weight_and_an_operator_can_disable_and_enable_a_channel()
    {
        const string model = "ranked-model";
        await gateway.AddChannelAsync("ranked-high", ["sk-ranked-high"], [model], priority: 5);
        await gateway.AddChannelAsync("ranked-light", ["sk-ranked-light"], [model], weight: 1);
        await gateway.AddChannelAsync("ranked-heavy", ["sk-ranked-heavy"], [model], weight: 3);
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        async Task AskAsync() => Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "x" } } })).StatusCode);

        await AskAsync();
        Assert.Single(gateway.Sim.Calls("sk-ranked-high"));

        var disabled = await admin.PostAsJsonAsync("/api/channels/ranked-high/disable", new { reason = "maintenance" });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("disabled", JsonNode.Parse(await disabled.Content.ReadAsStringAsync())!["keys"]![0]!["status"]!.GetValue<string>());

        // Idle keys of one priority: the heavier one is preferred (load per unit of weight ties at zero).
        await AskAsync();
        await AskAsync();
        Assert.Single(gateway.Sim.Calls("sk-ranked-high"));
        Assert.Equal(2, gateway.Sim.Calls("sk-ranked-heavy").Count);
        Assert.Empty(gateway.Sim.Calls("sk-ranked-light"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/channels/ranked-high/enable", null)).StatusCode);
        await AskAsync();
        Assert.Equal(2, gateway.Sim.Calls("sk-ranked-high").Count);
    }

    [Fact]
    public async Task The_admin_set_lists_channels_without_their_keys_and_tests_each_key_with_a_real_call()
    {
        await gateway.AddChannelAsync("admin-listed", ["sk-admin-listed-good", "sk-admin-listed-dead"], ["admin-model"], mapping: new { admin_model = "x" });
        gateway.Sim.InjectFault("sk-admin-listed-dead", new OpenAiFault(OpenAiFaultKind.Unauthorized));
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);

        var tested = JsonNode.Parse(await (await admin.PostAsJsonAsync("/api/channels/admin-listed/test", new { })).Content.ReadAsStringAsync())!;
        Assert.True(tested["results"]![0]!["ok"]!.GetValue<bool>());
        Assert.Equal(401, tested["results"]![1]!["status"]!.GetValue<int>());
        Assert.Equal(2, gateway.Sim.Calls().Count(c => c.Key.StartsWith("sk-admin-listed-", StringComparison.Ordinal)));

        var listed = await admin.GetStringAsync("/api/channels");
        Assert.DoesNotContain("sk-admin-listed-good", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-admin-listed-dead", listed, StringComparison.Ordinal);
        var channel = JsonNode.Parse(listed)!["channels"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "admin-listed")!;
        Assert.Equal("…good", channel["keys"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("rejected", channel["keys"]![1]!["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.App.CreateClient("wrong").GetAsync("/api/channels")).StatusCode);
        var duplicate = await admin.PostAsJsonAsync("/api/channels", new { id = "admin-listed", name = "x", base_url = gateway.Sim.BaseUrl.ToString(), keys = new[] { "k" }, models = new[] { "m" } });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var bad = await admin.PostAsJsonAsync("/api/channels", new { name = "x", base_url = "ftp://nowhere", keys = new[] { "k" }, models = new[] { "m" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
