using System.Net;
using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>Renewing upstream access tokens: once per account however many requests need it, rotation kept.</summary>
public sealed class TokenRefreshTests
{
    [Fact]
    public async Task Fifty_concurrent_requests_on_an_expired_access_token_cause_one_refresh_and_the_rotated_refresh_token_is_kept()
    {
        // Gateway and simulator share one clock, moved by the test: eleven days on, the ten-day access
        // token has expired for both, while the refresh-token family is still alive.
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { TimeProvider = time }, time: time);
        await app.AddPooledAccountAsync("expiring@example.com");
        app.Simulator.ResetCallCounts();
        time.Advance(TimeSpan.FromDays(11));

        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.ChatAsync($"storm {i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));
        Assert.Equal(50, app.Simulator.CallCount("f/conversation", "expiring@example.com"));

        // The simulator rotates refresh tokens and revokes the whole family when a used one comes back,
        // so the next renewal only succeeds if the gateway stored the rotated token.
        time.Advance(TimeSpan.FromDays(11));
        using var later = await client.ChatAsync("after another expiry");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(2, app.Simulator.CallCount("oauth/token"));
    }

    [Fact]
    public async Task An_expired_account_without_a_refresh_token_is_marked_expired_once_not_on_every_request()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        CountingStorage? storage = null;
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { TimeProvider = time }, time: time,
            services: s => CountingStorage.Install(s, created => storage = created));
        var account = app.Simulator.AddAccount("access-only@example.com");
        using (var admin = app.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/login", new { user_name = "access-only-user", access_token = account.AccessToken })).EnsureSuccessStatusCode();
        }

        time.Advance(TimeSpan.FromDays(11));
        var writesBefore = storage!.Writes("account");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        for (var i = 0; i < 5; i++)
        {
            using var refused = await client.ChatAsync($"no token left {i}");
            Assert.False(refused.IsSuccessStatusCode);
        }

        Assert.Equal(AccountStatus.Expired, (await app.SnapshotAsync("access-only@example.com")).Status);
        Assert.Equal(1, storage.Writes("account") - writesBefore);
    }

    [Fact]
    public async Task A_mirror_token_user_whose_account_died_gets_503_account_unusable_not_an_api_key_401()
    {
        await using var app = await GatewayApp.StartAsync();
        var dying = app.Simulator.AddAccount("user-account-dies@example.com");
        var originalRefreshToken = dying.RefreshToken;
        using (var admin = app.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = originalRefreshToken })).EnsureSuccessStatusCode();
        }

        using var client = app.CreateClient(await app.MirrorTokenAsync("orphaned-user", "user-account-dies@example.com"));

        // Replaying the consumed refresh token makes the upstream revoke the family the gateway holds.
        using (var raw = new HttpClient { BaseAddress = app.Simulator.BaseUrl })
        {
            await raw.PostAsJsonAsync("/oauth/token", new { client_id = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", grant_type = "refresh_token", redirect_uri = "x", refresh_token = originalRefreshToken });
        }

        app.Simulator.RevokeAccessTokens("user-account-dies@example.com");
        using var response = await client.ChatAsync("my account is gone");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("account_unusable", (await response.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Many_requests_that_meet_a_revoked_access_token_renew_it_once()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("revoked@example.com");
        app.Simulator.ResetCallCounts();
        app.Simulator.RevokeAccessTokens("revoked@example.com");

        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.ChatAsync($"after revocation {i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));
        Assert.Equal(AccountStatus.Active, (await app.SnapshotAsync("revoked@example.com")).Status);
    }

    [Fact]
    public async Task An_account_whose_refresh_token_died_is_marked_expired_and_the_pool_moves_on()
    {
        await using var app = await GatewayApp.StartAsync();
        var dying = app.Simulator.AddAccount("dying@example.com");
        var originalRefreshToken = dying.RefreshToken;
        using (var admin = app.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = originalRefreshToken })).EnsureSuccessStatusCode();
        }

        await app.AddPooledAccountAsync("healthy@example.com");

        // Replaying the consumed refresh token makes the upstream revoke the family the gateway holds.
        using (var raw = new HttpClient { BaseAddress = app.Simulator.BaseUrl })
        {
            await raw.PostAsJsonAsync("/oauth/token", new { client_id = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", grant_type = "refresh_token", redirect_uri = "x", refresh_token = originalRefreshToken });
        }

        app.Simulator.RevokeAccessTokens("dying@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 6; i++)
        {
            using var response = await client.ChatAsync($"request {i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var snapshot = await app.SnapshotAsync("dying@example.com");
        Assert.Equal(AccountStatus.Expired, snapshot.Status);
        Assert.NotNull(snapshot.StatusReason);
        Assert.True(app.Simulator.CallCount("f/conversation", "dying@example.com") <= 1);
        Assert.Equal(6, app.Simulator.CallCount("f/conversation", "healthy@example.com"));
    }
}
