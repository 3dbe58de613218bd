using System.Net;
using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Api;

/// <summary>
/// A node reuses an account's access token for a while instead of calling the account's grain (often on another silo)
/// before every upstream call, and stops reusing it when the account changes.
/// </summary>
public sealed class CredentialReuseTests
{
    [Fact]
    public async Task A_node_asks_the_account_grain_for_its_token_once_per_reuse_window_and_again_after_a_revocation_or_a_disable()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var calls = new GrainMethodCounter();
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { TimeProvider = time }, time: time,
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        await app.AddPooledAccountAsync("reused@example.com");
        app.Simulator.ResetCallCounts();
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var before = calls.Count(nameof(IAccountGrain.GetCredentialAsync));

        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.ChatAsync($"reuse {i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(before + 1, calls.Count(nameof(IAccountGrain.GetCredentialAsync)));

        // Past the reuse window (1 minute by default) the node asks again.
        time.Advance(TimeSpan.FromSeconds(61));
        using (var afterWindow = await client.ChatAsync("after the window"))
        {
            Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
        }

        Assert.Equal(before + 2, calls.Count(nameof(IAccountGrain.GetCredentialAsync)));

        // The upstream revokes the token: the copy meets a 401, the grain renews once, and the new token is reused.
        app.Simulator.RevokeAccessTokens("reused@example.com");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.ChatAsync($"after revocation {i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(before + 3, calls.Count(nameof(IAccountGrain.GetCredentialAsync)));
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));

        // A disable reaches the pool's snapshot; a bound caller (a mirror token) must then hear it from the grain,
        // not be served from the copy.
        using var user = app.CreateClient(await app.MirrorTokenAsync("reuse-user", "reused@example.com"));
        using (var admin = app.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = "reused@example.com", disabled = true })).EnsureSuccessStatusCode();
        }

        await Eventually.WaitUntilAsync(() => !app.Pool.TryGet(AccountIds.ForEmail("reused@example.com"), out var s) || s.Status == AccountStatus.Disabled, "the pool sees the disable");
        var asked = calls.Count(nameof(IAccountGrain.GetCredentialAsync));
        using var refused = await user.ChatAsync("disabled now");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(asked + 1, calls.Count(nameof(IAccountGrain.GetCredentialAsync)));
    }
}
