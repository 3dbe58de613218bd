using System.Net;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using OpenAI.Chat;

namespace MirrorGate.Tests.Api;

/// <summary>Failing over before the first byte, and failing loudly after it.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task A_429_moves_the_request_to_another_account_and_cools_the_first_down_for_that_model_until_clears_in()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("capped@example.com");
        await app.AddPooledAccountAsync("spare@example.com");
        app.Simulator.InjectFault("capped@example.com", new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 300, Model: "auto"));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        var before = DateTimeOffset.UtcNow;
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.ChatAsync($"request {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The capped account was tried once, then left alone while cooling down.
        Assert.Equal(1, app.Simulator.CallCount("f/conversation", "capped@example.com"));
        Assert.Equal(6, app.Simulator.CallCount("f/conversation", "spare@example.com"));
        var capped = await app.SnapshotAsync("capped@example.com");
        Assert.Equal(AccountStatus.Active, capped.Status);
        Assert.InRange(capped.Cooldowns["auto"], before.AddSeconds(295), DateTimeOffset.UtcNow.AddSeconds(301));
        Assert.False(capped.Cooldowns.ContainsKey("gpt-4o"));
    }

    [Fact]
    public async Task Server_errors_before_the_first_byte_move_the_request_without_cooling_the_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("flaky@example.com");
        await app.AddPooledAccountAsync("steady@example.com");
        app.Simulator.InjectFault("flaky@example.com", new SimFault(SimFaultKind.ServerError, StatusCode: 502));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.ChatAsync($"request {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(4, app.Simulator.CallCount("f/conversation", "steady@example.com"));
        Assert.Empty((await app.SnapshotAsync("flaky@example.com")).Cooldowns);
    }

    [Fact]
    public async Task When_every_account_is_capped_the_client_gets_429_with_the_wait()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("only@example.com");
        app.Simulator.InjectFault("only@example.com", new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 120));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var first = await client.ChatAsync("meets the cap");
        using var second = await client.ChatAsync("refused locally");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 100, 121);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation", "only@example.com"));
        Assert.Equal("model_cap_exceeded", (await second.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_fitting_account_the_client_gets_503()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("free@example.com", plan: "free");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var paidModel = await client.ChatAsync("needs plus", model: "gpt-4o");
        using var freeModel = await client.ChatAsync("fine on free", model: "auto");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, paidModel.StatusCode);
        Assert.Equal("no_available_account", (await paidModel.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, freeModel.StatusCode);
    }

    [Fact]
    public async Task A_stream_dropped_midway_ends_with_an_error_event_and_no_done()
    {
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { ReplyChunks = 10 });
        await app.AddPooledAccountAsync("dropping@example.com");
        app.Simulator.InjectFault("dropping@example.com", new SimFault(SimFaultKind.DropMidStream, AfterChunks: 3, Times: 1));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.ChatAsync("this answer breaks", stream: true);
        var sse = await SseRead.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(sse.Events.Count > 0, $"no events; failure: {sse.Failure}");
        Assert.True(sse.Events[^1]["error"] is not null, "last event: " + sse.Events[^1].ToJsonString() + "; failure: " + sse.Failure);
        Assert.False(sse.SawDone);
        Assert.Equal("upstream_stream_broken", sse.Events[^1]["error"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(sse.Events, e => e["choices"]?[0]?["finish_reason"]?.GetValue<string>() == "stop");
        Assert.StartsWith(sse.Text, SimReplies.For("this answer breaks", 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openai_client_sees_a_dropped_stream_as_an_error()
    {
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { ReplyChunks = 10 });
        await app.AddPooledAccountAsync("dropping2@example.com");
        app.Simulator.InjectFault("dropping2@example.com", new SimFault(SimFaultKind.DropMidStream, AfterChunks: 2));

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in app.OpenAiChat("auto").CompleteChatStreamingAsync(new UserChatMessage("breaks")))
            {
                _ = update.ContentUpdate.Count;
            }
        });
    }
}
