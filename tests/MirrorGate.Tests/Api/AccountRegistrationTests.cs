using System.Net;
using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// Registration is a merge inside the account's grain: a refresh token is spent there once, however many imports
/// race, and what an operator decided survives a re-login.
/// </summary>
public sealed class AccountRegistrationTests
{
    [Fact]
    public async Task Ten_concurrent_imports_of_one_refresh_token_spend_it_once_and_the_account_stays_usable()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount("raced@example.com");
        app.Simulator.ResetCallCounts();
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        var imports = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = account.RefreshToken })));

        // One import spends the token; the others are told it was spent, never sent upstream again (a replayed
        // refresh token makes the upstream revoke the whole family).
        Assert.Equal(1, imports.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(imports.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));
        using var chat = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("after the race");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task An_operators_disable_survives_a_re_login_with_fresh_tokens()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("kept-off@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = "kept-off@example.com", disabled = true, reason = "abuse report" })).EnsureSuccessStatusCode();

        // The account's owner logs in again: a fresh access token through /api/login, and a new import.
        var fresh = app.Simulator.AddAccount("kept-off@example.com");
        (await admin.PostAsJsonAsync("/api/login", new { user_name = "kept-off-user", access_token = fresh.AccessToken })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = fresh.SessionToken })).EnsureSuccessStatusCode();

        var snapshot = await app.SnapshotAsync("kept-off@example.com");
        Assert.Equal(AccountStatus.Disabled, snapshot.Status);
        Assert.Equal("abuse report", snapshot.StatusReason);
        using var refused = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("while disabled");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }
}
