using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Hooks;

/// <summary>Two gateways on one hook server, with a short hook timeout: one fails closed (the default), one fails open.</summary>
public sealed class AuditFailureGateways : IAsyncLifetime
{
    public const string Account = "audit-failure@example.com";

    public HookServer Hooks { get; private set; } = null!;

    public GatewayApp Closed { get; private set; } = null!;

    public GatewayApp Open { get; private set; } = null!;

    public string ClosedToken { get; private set; } = null!;

    public string OpenToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hooks = await HookServer.StartAsync();
        var closed = StartAsync("/audit-closed", failOpen: false);
        var open = StartAsync("/audit-open", failOpen: true);
        (Closed, ClosedToken) = await closed;
        (Open, OpenToken) = await open;
    }

    public async Task DisposeAsync()
    {
        await Closed.DisposeAsync();
        await Open.DisposeAsync();
        await Hooks.DisposeAsync();
    }

    private async Task<(GatewayApp, string)> StartAsync(string path, bool failOpen)
    {
        var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Hooks:AuditUrl"] = Hooks.Url(path),
            ["Hooks:AllowLoopback"] = "true",
            ["Hooks:FailOpen"] = failOpen ? "true" : "false",
            ["Hooks:Timeout"] = "00:00:01",
        });
        await app.AddPooledAccountAsync(Account);
        return (app, await app.MirrorTokenAsync("audit-failure-user", Account));
    }
}

/// <summary>An audit hook that cannot judge a turn refuses it with 503 by default; <c>Hooks:FailOpen</c> lets it through.</summary>
public sealed class AuditFailureTests(AuditFailureGateways gateways) : IClassFixture<AuditFailureGateways>
{
    [Fact]
    public async Task A_hook_that_does_not_answer_in_time_fails_closed_by_default_and_open_when_configured()
    {
        var never = new TaskCompletionSource();
        gateways.Hooks.On("/audit-closed", new HookAnswer(Gate: never.Task));
        gateways.Hooks.On("/audit-open", new HookAnswer(Gate: never.Task));
        try
        {
            var upstreamBefore = gateways.Closed.Simulator.CallCount("f/conversation", AuditFailureGateways.Account);
            using var closed = await gateways.Closed.CreateClient(gateways.ClosedToken).ChatAsync("judge me");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
            var error = (await closed.JsonAsync())["error"]!;
            Assert.Equal("audit_unavailable", error["code"]!.GetValue<string>());
            Assert.Equal("The audit service is unavailable; try again later.", error["message"]!.GetValue<string>());
            Assert.Equal(upstreamBefore, gateways.Closed.Simulator.CallCount("f/conversation", AuditFailureGateways.Account));

            using var open = await gateways.Open.CreateClient(gateways.OpenToken).ChatAsync("judge me");
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            Assert.Equal(SimReplies.For("judge me", 1), await open.ContentAsync());
            Assert.NotEmpty(gateways.Hooks.Calls("/audit-open"));
        }
        finally
        {
            never.SetResult();
        }
    }

    // The closed gateway's answer to a 5xx (the hook's message, 503) is in AuditHookTests, whose timeout leaves the hook time to answer.
    [Fact]
    public async Task A_5xx_is_the_hook_failing_and_passes_when_open()
    {
        gateways.Hooks.On("/audit-open", new HookAnswer(500, new JsonObject { ["detail"] = new JsonObject { ["message"] = "Internal Server Error." } }));

        using var open = await gateways.Open.CreateClient(gateways.OpenToken).ChatAsync("judge me again");

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(SimReplies.For("judge me again", 1), await open.ContentAsync());
    }
}
