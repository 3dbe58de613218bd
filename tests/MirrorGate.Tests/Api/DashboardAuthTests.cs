using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c> has no sign-in of its own; every route of it, its data APIs included,
/// sits behind the admin password, given as a bearer or as HTTP Basic (issue 7, item 5).
/// </summary>
public sealed class DashboardAuthTests
{
    private static readonly string[] Routes = ["/dashboard", "/dashboard/", "/dashboard/DashboardCounters", "/dashboard/ClusterStats"];

    // The dashboard shows grain state and logs: a route left open would leak the cluster's inner workings.
    [Fact]
    public async Task Every_dashboard_route_challenges_a_missing_or_wrong_password_and_admits_the_admin_password_as_bearer_or_basic()
    {
        await using var app = await GatewayApp.StartAsync();

        foreach (var route in Routes)
        {
            foreach (var (label, header) in new (string, AuthenticationHeaderValue?)[]
            {
                ("no credentials", null),
                ("wrong bearer", new("Bearer", "wrong-password")),
                ("wrong basic", Basic("admin", "wrong-password")),
                ("right user name, empty password", Basic(GatewayApp.AdminPassword, string.Empty)),
            })
            {
                using var refused = await GetAsync(app, route, header);
                Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{route} with {label}: {(int)refused.StatusCode}");
                Assert.Contains(refused.Headers.WwwAuthenticate, c => c.Scheme == "Basic");
            }

            foreach (var (label, header) in new (string, AuthenticationHeaderValue)[]
            {
                ("bearer", new("Bearer", GatewayApp.AdminPassword)),
                ("basic", Basic("any", GatewayApp.AdminPassword)),
            })
            {
                using var admitted = await GetAsync(app, route, header);
                Assert.True((int)admitted.StatusCode is >= 200 and < 400, $"{route} with {label}: {(int)admitted.StatusCode}");
            }
        }
    }

    // The access rule stands in front of the whole dashboard, so even a path it does not serve tells a stranger nothing.
    [Fact]
    public async Task A_path_the_dashboard_does_not_serve_is_401_to_a_stranger_and_404_to_the_admin()
    {
        await using var app = await GatewayApp.StartAsync();

        using var stranger = await GetAsync(app, "/dashboard/no-such-page", null);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Contains(stranger.Headers.WwwAuthenticate, c => c.Scheme == "Basic");

        using var admin = await GetAsync(app, "/dashboard/no-such-page", new("Bearer", GatewayApp.AdminPassword));
        Assert.Equal(HttpStatusCode.NotFound, admin.StatusCode);
    }

    // Without a configured password nobody gets in, not even with an empty password or the test suite's usual one.
    [Fact]
    public async Task With_no_admin_password_configured_every_dashboard_route_is_401()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Gateway:AdminPassword"] = string.Empty });

        foreach (var route in Routes)
        {
            foreach (var header in new AuthenticationHeaderValue?[]
            {
                null,
                new("Bearer", GatewayApp.AdminPassword),
                Basic("any", GatewayApp.AdminPassword),
                Basic("any", string.Empty),
            })
            {
                using var refused = await GetAsync(app, route, header);
                Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{route} with {header?.Scheme ?? "nothing"}: {(int)refused.StatusCode}");
            }
        }
    }

    // The dashboard's metric collection costs CPU on every silo, idle or not; an operator may turn it off.
    [Fact]
    public async Task With_the_dashboard_turned_off_no_dashboard_route_is_served_and_the_gateway_still_answers()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Cluster:Dashboard"] = "false" });

        foreach (var route in Routes)
        {
            using var missing = await GetAsync(app, route, new("Bearer", GatewayApp.AdminPassword));
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, $"{route}: {(int)missing.StatusCode}");
        }

        using var ping = await GetAsync(app, "/ping", null);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> GetAsync(GatewayApp app, string route, AuthenticationHeaderValue? header)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, route);
        request.Headers.Authorization = header;
        return await client.SendAsync(request);
    }
}
