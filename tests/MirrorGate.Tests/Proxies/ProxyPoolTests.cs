using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Upstream.Proxies;
using MirrorGate.UpstreamSim;
using Microsoft.Extensions.Options;

namespace MirrorGate.Tests.Proxies;

/// <summary>
/// chatgpt-gateway's <c>PROXY_URL_POOL</c>: accounts without a proxy of their own are spread over the pool, their
/// upstream calls go through their proxy, a proxy that is down is skipped, and <c>/api/check-proxy</c> reports each.
/// </summary>
public sealed class ProxyPoolTests(ProxyPoolGateway gateway) : IClassFixture<ProxyPoolGateway>
{
    private GatewayApp App => gateway.App;

    [Fact]
    public async Task Each_account_chats_through_its_assigned_proxy_and_one_whose_first_choice_is_down_gets_a_live_one()
    {
        await WaitUntilDeadProxyIsDownAsync();

        // Rendezvous order with every proxy healthy: find accounts whose first choice is each of the three.
        var allUp = new ProxyPool(Options.Create(new ProxyOptions { Pool = [gateway.HttpUrl, gateway.SocksUrl, gateway.DeadUrl] }));
        var emails = new Dictionary<string, string>();
        for (var i = 0; emails.Count < 3; i++)
        {
            var email = $"pool-{i}@example.com";
            emails.TryAdd(allUp.Pick(email)!.Masked, email);
        }

        var deadMasked = Masked(gateway.DeadUrl);
        var tokens = new Dictionary<string, string>();
        foreach (var (firstChoice, email) in emails)
        {
            var account = App.Simulator.AddAccount(email);
            tokens[email] = await LoginAsync(email, account.AccessToken);
        }

        foreach (var (firstChoice, email) in emails)
        {
            var assigned = gateway.Pool.Pick(email)!;
            Assert.NotEqual(deadMasked, assigned.Masked);
            if (firstChoice != deadMasked)
            {
                Assert.Equal(firstChoice, assigned.Masked);
            }

            var (httpBefore, socksBefore) = (gateway.Http.Requests, gateway.Socks.BytesRelayed);
            using var answer = await App.CreateClient(tokens[email]).ChatAsync("via the pool " + email);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(SimReplies.For("via the pool " + email, 1), await answer.ContentAsync());
            if (assigned.Scheme == "http")
            {
                Assert.True(gateway.Http.Requests - httpBefore >= 3, $"{email}'s chat (sentinel, prepare, conversation) did not go through the HTTP proxy");
                Assert.Equal(socksBefore, gateway.Socks.BytesRelayed);
            }
            else
            {
                Assert.True(gateway.Socks.BytesRelayed > socksBefore, $"{email}'s chat did not go through the SOCKS5 proxy");
                Assert.Equal(httpBefore, gateway.Http.Requests);
            }
        }

        Assert.True(gateway.Socks.Tunnels >= 1);
        Assert.Equal(0, gateway.Socks.Refused);
    }

    [Fact]
    public async Task A_callers_own_access_token_goes_through_a_pool_proxy_too()
    {
        await WaitUntilDeadProxyIsDownAsync();
        var account = App.Simulator.AddAccount("own-token@example.com");
        var (httpBefore, socksBefore) = (gateway.Http.Requests, gateway.Socks.BytesRelayed);

        // The service key followed by the caller's own ChatGPT token: no account grain, the resolver picks the proxy.
        using var answer = await App.CreateClient($"{GatewayApp.ServiceKey} {account.AccessToken}").ChatAsync("own token via the pool");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(SimReplies.For("own token via the pool", 1), await answer.ContentAsync());
        Assert.True(gateway.Http.Requests > httpBefore || gateway.Socks.BytesRelayed > socksBefore, "the caller's own token connected directly, not through the pool");
    }

    [Fact]
    public async Task A_pooled_accounts_token_renewal_goes_through_its_assigned_proxy()
    {
        await WaitUntilDeadProxyIsDownAsync();
        var email = Enumerable.Range(0, 100).Select(i => $"renew-{i}@example.com").First(e => gateway.Pool.Pick(e)!.Scheme == "http");
        await App.AddPooledAccountAsync(email);
        var mirror = await App.MirrorTokenAsync("renew-user", email);
        App.Simulator.RevokeAccessTokens(email);
        var before = gateway.Http.Forwarded.Count;

        using var answer = await App.CreateClient(mirror).ChatAsync("after revocation");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var during = gateway.Http.Forwarded.Skip(before).ToList();
        Assert.Contains("POST /oauth/token", during);
        Assert.Contains(during, r => r.EndsWith("/conversation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_proxy_probes_now_reports_each_proxy_masked_and_answers_502_while_one_is_down()
    {
        using var anonymous = App.CreateClient();
        var all = await anonymous.GetAsync($"/api/check-proxy?admin_password={GatewayApp.AdminPassword}");
        var body = await all.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, all.StatusCode);
        AssertNoPassword(body);
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.False(json["ok"]!.GetValue<bool>());
        var proxies = json["proxies"]!.AsArray().Select(p => p!.AsObject()).ToDictionary(p => p["port"]!.GetValue<int>());
        Assert.Equal(3, proxies.Count);

        var http = proxies[gateway.Http.Url.Port];
        Assert.True(http["ok"]!.GetValue<bool>(), http.ToJsonString());
        Assert.Equal("http", http["scheme"]!.GetValue<string>());
        Assert.Equal($"http://hank:***@{gateway.Http.Url.Authority}", http["proxy"]!.GetValue<string>());
        Assert.True(http["latency_ms"]!.GetValue<double>() >= 0);

        var socks = proxies[gateway.Socks.Port];
        Assert.True(socks["ok"]!.GetValue<bool>(), socks.ToJsonString());
        Assert.Equal("socks5h", socks["scheme"]!.GetValue<string>());
        Assert.Equal($"socks5h://sam:***@127.0.0.1:{gateway.Socks.Port}", socks["proxy"]!.GetValue<string>());

        var dead = proxies[gateway.DeadPort];
        Assert.False(dead["ok"]!.GetValue<bool>());
        Assert.Equal("127.0.0.1", dead["host"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(dead["error"]!.GetValue<string>()));

        // One proxy, by host:port, with the header form of the admin password.
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        var one = await admin.GetAsync($"/api/check-proxy?proxy=127.0.0.1:{gateway.Socks.Port}");
        var oneBody = await one.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Single(JsonNode.Parse(oneBody)!["proxies"]!.AsArray());
        AssertNoPassword(oneBody);
        Assert.Equal(HttpStatusCode.BadGateway, (await admin.GetAsync($"/api/check-proxy?proxy=127.0.0.1:{gateway.DeadPort}")).StatusCode);

        var unknown = await admin.GetAsync("/api/check-proxy?proxy=10.9.8.7:1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("10.9.8.7:1", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var refused = await anonymous.GetAsync("/api/check-proxy?admin_password=wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.NotNull((await refused.Content.ReadFromJsonAsync<JsonObject>())!["message"]);

        // The query form is for this route only: the rest of the admin set still wants the header.
        var elsewhere = await anonymous.PostAsJsonAsync($"/api/get-user-use-count?admin_password={GatewayApp.AdminPassword}", new { username_list = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Socks5h_proxies_get_the_host_name_to_resolve_not_an_address()
    {
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/check-proxy?proxy=127.0.0.1:{gateway.Socks.Port}")).StatusCode);
        Assert.Contains($"name:localhost:{gateway.Simulator.BaseUrl.Port}", gateway.Socks.Destinations);
    }

    [Fact]
    public async Task No_proxy_password_reaches_the_log_while_the_failing_proxys_host_does()
    {
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        Assert.Equal(HttpStatusCode.BadGateway, (await admin.GetAsync("/api/check-proxy")).StatusCode);
        await Eventually.WaitUntilAsync(async () => (await gateway.ReadLogAsync()).Contains($"127.0.0.1:{gateway.DeadPort}", StringComparison.Ordinal),
            "the dead proxy's failed probe is logged with its host");
        AssertNoPassword(await gateway.ReadLogAsync());
    }

    private Task WaitUntilDeadProxyIsDownAsync() =>
        Eventually.WaitUntilAsync(() => gateway.Pool.Health.TryGetValue(Masked(gateway.DeadUrl), out var h) && h.CheckedAt is not null && !h.Ok,
            "the start-up probe found the dead proxy down", TimeSpan.FromSeconds(30));

    private async Task<string> LoginAsync(string email, string accessToken)
    {
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        var response = await admin.PostAsJsonAsync("/api/login", new { user_name = "user-" + email, access_token = accessToken, limits = Array.Empty<object>(), isolated_session = true });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["user-gateway-token"]!.GetValue<string>();
    }

    private static string Masked(string url)
    {
        Assert.True(ProxyEndpoint.TryParse(url, out var endpoint, out _));
        return endpoint!.Masked;
    }

    private static void AssertNoPassword(string text)
    {
        foreach (var password in (string[])[ProxyPoolGateway.HttpPassword, ProxyPoolGateway.SocksPassword, ProxyPoolGateway.DeadPassword])
        {
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        }
    }
}
