using System.Net;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>Per-user model limits (chatgpt-gateway's <c>limits</c>) on mirror tokens.</summary>
public sealed class UserLimitTests
{
    private static readonly object[] ThreePerHourOnAuto = new[] { new { model_name = "auto", every_minute = 60, limit_count = 3 } };

    [Fact]
    public async Task Of_many_concurrent_requests_exactly_the_limit_succeed_and_the_next_gets_429_with_the_documented_body()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("limits@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("limited-user", "limits@example.com", ThreePerHourOnAuto));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.ChatAsync($"request {i}")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(3, app.Simulator.CallCount("f/conversation", "limits@example.com"));

        using var next = await client.ChatAsync("one more");
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        Assert.True(next.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(59));
        var body = await next.JsonAsync();
        Assert.Equal("model_limit_exceeded", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("rate_limit_error", body["error"]!["type"]!.GetValue<string>());
        var detail = body["detail"]!["message"]!.GetValue<string>();
        Assert.Contains("每 60 分钟限 3 条", detail, StringComparison.Ordinal);
        Assert.Equal(body["error"]!["message"]!.GetValue<string>(), detail);
        Assert.InRange(body["detail"]!["clears_in"]!.GetValue<int>(), 3500, 3600);
    }

    [Fact]
    public async Task A_limit_on_one_model_leaves_other_models_alone()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("models@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("one-model-user", "models@example.com", new[] { new { model_name = "gpt-4o", every_minute = 10, limit_count = 1 } }));

        Assert.Equal(HttpStatusCode.OK, (await client.ChatAsync("a", "gpt-4o")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.ChatAsync("b", "gpt-4o")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.ChatAsync("c", "auto")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.ChatAsync("d", "auto")).StatusCode);
    }

    [Fact]
    public async Task A_request_that_fails_upstream_gives_its_use_back()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("refund@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("refund-user", "refund@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } }));
        app.Simulator.InjectFault("refund@example.com", new SimFault(SimFaultKind.ServerError, StatusCode: 503, Times: 1));

        using var failed = await client.ChatAsync("fails upstream");
        using var served = await client.ChatAsync("served");
        using var refused = await client.ChatAsync("over the limit");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode); // the upstream's own 5xx, as Aurora answers it
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task A_request_refused_as_bad_input_uses_nothing()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("bad@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("careful-user", "bad@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } }));

        using var bad = await client.PostAsync("/v1/chat/completions", new StringContent("{\"model\":\"auto\",\"messages\":", System.Text.Encoding.UTF8, "application/json"));
        using var good = await client.ChatAsync("fine");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation"));
    }
}
