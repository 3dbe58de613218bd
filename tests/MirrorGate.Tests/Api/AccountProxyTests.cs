using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>Each account may reach the upstream through its own proxy (chatgpt-gateway's <c>proxy_url</c>).</summary>
public sealed class AccountProxyTests
{
    [Fact]
    public async Task An_accounts_traffic_goes_through_its_own_proxy_and_only_its_own()
    {
        await using var proxy = await LoopbackProxy.StartAsync();
        await using var app = await GatewayApp.StartAsync();
        var proxied = app.Simulator.AddAccount("proxied@example.com");
        var direct = app.Simulator.AddAccount("direct@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var proxyUrl = $"http://carol:s3cret@{proxy.Url.Authority}";

        var viaProxy = await LoginAsync(admin, "proxy-user", proxied.AccessToken, proxyUrl);
        var requestsAfterImport = proxy.Requests;
        var withoutProxy = await LoginAsync(admin, "direct-user", direct.AccessToken, null);
        Assert.Equal(requestsAfterImport, proxy.Requests);

        using var proxiedAnswer = await app.CreateClient(viaProxy).ChatAsync("through the proxy");
        var afterProxiedChat = proxy.Requests;
        using var directAnswer = await app.CreateClient(withoutProxy).ChatAsync("straight");

        Assert.Equal(SimReplies.For("through the proxy", 1), await proxiedAnswer.ContentAsync());
        Assert.Equal(SimReplies.For("straight", 1), await directAnswer.ContentAsync());
        Assert.True(requestsAfterImport >= 1, "the account check at import did not use the proxy");
        Assert.True(afterProxiedChat - requestsAfterImport >= 3, "the chat turn (sentinel, prepare, conversation) did not use the proxy");
        Assert.Equal(afterProxiedChat, proxy.Requests);
        Assert.Contains("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("carol:s3cret")), proxy.Credentials);
    }

    private static async Task<string> LoginAsync(HttpClient admin, string userName, string accessToken, string? proxyUrl)
    {
        var response = await admin.PostAsJsonAsync("/api/login", new { user_name = userName, access_token = accessToken, limits = Array.Empty<object>(), isolated_session = true, proxy_url = proxyUrl });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["user-gateway-token"]!.GetValue<string>();
    }
}
