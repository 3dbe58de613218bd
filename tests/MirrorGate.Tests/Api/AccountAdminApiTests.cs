using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Secrets;
using MirrorGate.Tests.Console;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Api;

/// <summary>The gateway-defined account routes of the admin set: list, token-file import, probe, and the price preview's refusals.</summary>
public sealed class AccountAdminApiTests(ConsoleGatewayFixture fixture) : IClassFixture<ConsoleGatewayFixture>
{
    private GatewayApp Gateway => fixture.Gateway;

    [Fact]
    public async Task An_import_onboards_each_line_and_the_list_shows_the_accounts_without_tokens()
    {
        var first = Gateway.Simulator.AddAccount($"imp-{Guid.NewGuid():N}@example.com", "plus");
        var second = Gateway.Simulator.AddAccount($"imp-{Guid.NewGuid():N}@example.com", "pro");
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        var response = await admin.PostAsJsonAsync("/api/accounts/import", new { tokens = $"# two accounts\n{first.RefreshToken}\n\n{second.AccessToken}\nnonsense\n" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, body["imported"]!.GetValue<int>());
        var results = body["results"]!.AsArray();
        Assert.Equal([2, 4, 5], results.Select(r => r!["line"]!.GetValue<int>()));
        Assert.False(results[2]!["ok"]!.GetValue<bool>());
        Assert.DoesNotContain(first.RefreshToken, body.ToJsonString(), StringComparison.Ordinal);

        var list = await admin.GetStringAsync("/api/accounts");
        var accounts = JsonNode.Parse(list)!["accounts"]!.AsArray();
        var pro = accounts.Single(a => a!["email"]!.GetValue<string>() == second.Email)!;
        Assert.Equal("active", pro["status"]!.GetValue<string>());
        Assert.Equal("pro", pro["plan_type"]!.GetValue<string>());
        Assert.Equal("at", pro["mode"]!.GetValue<string>());
        Assert.DoesNotContain(second.AccessToken, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_imports_and_probes_of_unknown_or_disabled_accounts_are_refused_with_a_message()
    {
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/accounts/import", new { tokens = "# only a comment\n" }), HttpStatusCode.BadRequest, "holds no token");
        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/accounts/import", new { tokens = string.Join('\n', Enumerable.Repeat("x", 501)) }), HttpStatusCode.BadRequest, "at most 500");
        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/accounts/import", new { }), HttpStatusCode.BadRequest, "'tokens'");
        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/accounts/nobody@example.com/probe", new { }), HttpStatusCode.NotFound, "Unknown account");

        var account = await Gateway.AddPooledAccountAsync($"probe-{Guid.NewGuid():N}@example.com");
        var ok = (await (await admin.PostAsJsonAsync($"/api/accounts/{account.Email}/probe", new { })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(ok["ok"]!.GetValue<bool>());
        Assert.Equal("active", ok["account"]!["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = account.Email, disabled = true })).StatusCode);
        await AssertErrorAsync(await admin.PostAsJsonAsync($"/api/accounts/{account.Email}/probe", new { }), HttpStatusCode.Conflict, "disabled");

        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/pricing/preview", new { ppid = "no-such-program", data = new { } }), HttpStatusCode.BadRequest, "no-such-program");
        await AssertErrorAsync(await admin.PostAsJsonAsync("/api/pricing/preview", new { ppid = "p" }), HttpStatusCode.BadRequest, "'data'");
    }

    [Fact]
    public async Task A_probe_keeps_a_callers_own_account_out_of_the_pool_and_a_pooled_account_in_it()
    {
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        // The simulator's account is live and rotates its refresh token on use: the id is made from the one sent.
        var ownToken = Gateway.Simulator.AddAccount($"own-{Guid.NewGuid():N}@example.com", "plus").RefreshToken;
        using (var caller = Gateway.CreateClient($"{GatewayApp.ServiceKey} {ownToken}"))
        {
            Assert.Equal(HttpStatusCode.OK, (await caller.ChatAsync("my own account")).StatusCode);
        }

        var ownId = AccountIds.ForRefreshTokenHash(Gateway.Services.GetRequiredService<SecretProtector>().LookupHash(ownToken));
        var probed = await admin.PostAsJsonAsync($"/api/accounts/{ownId}/probe", new { });
        var body = (await probed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(probed.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.True(body["ok"]!.GetValue<bool>(), body.ToJsonString());
        Assert.False(body["account"]!["in_pool"]!.GetValue<bool>());
        Assert.False(Gateway.Pool.TryGet(ownId, out _), "the pool view offers a caller's own account after a probe");
        Assert.False((await Gateway.Grains.GetGrain<IAccountGrain>(ownId).GetSnapshotAsync())!.InPool);
        var listed = JsonNode.Parse(await admin.GetStringAsync("/api/accounts"))!["accounts"]!.AsArray();
        Assert.DoesNotContain(listed, a => a!["id"]!.GetValue<string>() == ownId);

        var pooled = await Gateway.AddPooledAccountAsync($"pooled-{Guid.NewGuid():N}@example.com");
        var again = (await (await admin.PostAsJsonAsync($"/api/accounts/{pooled.Email}/probe", new { })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(again["ok"]!.GetValue<bool>(), again.ToJsonString());
        Assert.True(again["account"]!["in_pool"]!.GetValue<bool>());
        Assert.True(Gateway.Pool.TryGet(AccountIds.ForEmail(pooled.Email), out _), "a pooled account left the pool view after a probe");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string fragment)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Contains(fragment, JsonNode.Parse(body)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
