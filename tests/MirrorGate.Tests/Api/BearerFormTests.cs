using System.Net;
using System.Net.Http.Json;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>Every bearer form of Aurora and chatgpt-gateway, resolved in one place.</summary>
public sealed class BearerFormTests
{
    private static Dictionary<string, string?> NoServiceKey => new() { ["Gateway:ServiceKey"] = string.Empty };

    [Fact]
    public async Task The_service_key_followed_by_a_personal_access_token_uses_that_account_not_the_pool()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("pooled@example.com");
        var personal = app.Simulator.AddAccount("personal@example.com");
        using var client = app.CreateClient($"{GatewayApp.ServiceKey} {personal.AccessToken}");

        using var response = await client.ChatAsync("mine");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation", "personal@example.com"));
        Assert.Equal(0, app.Simulator.CallCount("f/conversation", "pooled@example.com"));
    }

    [Fact]
    public async Task A_raw_access_token_works_alone_when_no_service_key_is_set()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);
        var account = app.Simulator.AddAccount("raw-at@example.com");
        using var client = app.CreateClient(account.AccessToken);

        using var response = await client.ChatAsync("hello");

        Assert.Equal(SimReplies.For("hello", 1), await response.ContentAsync());
    }

    [Fact]
    public async Task A_team_workspace_rides_on_the_bearer_or_on_the_header()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);
        var account = app.Simulator.AddAccount("member@example.com", "team", teamAccountId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

        using var viaSuffix = await app.CreateClient($"{account.AccessToken},{account.TeamAccountId}").ChatAsync("via suffix");
        var header = app.CreateClient(account.AccessToken);
        header.DefaultRequestHeaders.Add("ChatGPT-Account-ID", account.TeamAccountId);
        using var viaHeader = await header.ChatAsync("via header");
        using var wrongTeam = await app.CreateClient($"{account.AccessToken},11111111-2222-3333-4444-555555555555").ChatAsync("not my team");

        Assert.Equal(HttpStatusCode.OK, viaSuffix.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, wrongTeam.StatusCode);
    }

    [Fact]
    public async Task A_raw_refresh_token_becomes_an_account_of_its_own_refreshed_once_for_concurrent_first_requests()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);
        var account = app.Simulator.AddAccount("raw-rt@example.com");
        using var client = app.CreateClient(account.RefreshToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.ChatAsync($"first {i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));
        Assert.Empty(app.Pool.Accounts);

        // The client keeps sending its original (now rotated away) refresh token; it still works.
        using var later = await client.ChatAsync("later");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("oauth/token"));
    }

    [Fact]
    public async Task A_raw_session_token_is_exchanged_and_its_rotation_kept()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);
        var account = app.Simulator.AddAccount("raw-st@example.com");
        using var client = app.CreateClient(account.SessionToken);

        using var first = await client.ChatAsync("one");
        using var second = await client.ChatAsync("two");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("auth/session"));
    }

    [Fact]
    public async Task A_device_uuid_chats_anonymously()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);
        using var client = app.CreateClient(Guid.NewGuid().ToString());

        using var response = await client.ChatAsync("no login");

        Assert.Equal(SimReplies.For("no login", 1), await response.ContentAsync());
        Assert.Equal(1, app.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task A_mirror_token_keeps_working_after_its_account_renews_its_access_token()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("mapped@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("mapped-user", "mapped@example.com"));
        using var before = await client.ChatAsync("before");

        app.Simulator.RevokeAccessTokens("mapped@example.com");
        using var after = await client.ChatAsync("after");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(AccountStatus.Active, (await app.SnapshotAsync("mapped@example.com")).Status);
    }

    [Fact]
    public async Task Unknown_bearer_values_are_refused_in_openai_shape()
    {
        await using var app = await GatewayApp.StartAsync(NoServiceKey);

        using var junk = await app.CreateClient("short").ChatAsync("x");
        using var revoked = await app.CreateClient("mg-not-a-real-token").ChatAsync("x");

        Assert.Equal(HttpStatusCode.Unauthorized, junk.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal("invalid_request_error", (await revoked.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["error"]!["type"]!.GetValue<string>());
    }
}
