using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Observability;

/// <summary>
/// <c>GET /api/stats/live</c>: fed by the same recording as <c>/metrics</c>, it shows the traffic just sent per route and
/// model, its errors, a latency percentile, the top users and the accounts by state; it is an admin route.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class LiveStatsTests(ObservabilityGateway gateway)
{
    [Fact]
    public async Task Traffic_sent_shows_per_route_and_model_with_its_errors_and_top_user()
    {
        const string model = "live-model";
        await gateway.AddChannelAsync("live", ["sk-live-0001"], [model]);
        var user = await gateway.UserTokenAsync("live-user", new[] { new { model_name = model, every_minute = 60, limit_count = 3 } });
        using var client = gateway.App.CreateClient(user);

        // 3 answered, 1 refused by the limit (an error), and one request on the ChatGPT web path with the service key.
        for (var i = 0; i < 4; i++)
        {
            await client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "live" } } });
        }

        using var pool = gateway.App.CreateClient(GatewayApp.ServiceKey);
        Assert.Equal(HttpStatusCode.OK, (await pool.PostAsJsonAsync("/v1/chat/completions", new { model = "auto", messages = new[] { new { role = "user", content = "web" } } })).StatusCode);

        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        JsonObject? live = null;
        JsonNode? series = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            live = await admin.GetFromJsonAsync<JsonObject>("/api/stats/live?seconds=300");
            series = live!["series"]!.AsArray().FirstOrDefault(s => s!["model"]!.GetValue<string>() == model);
            return series?["requests"]!.GetValue<long>() == 4;
        }, "the live view shows the 4 channel requests");

        Assert.Equal("/v1/chat/completions", series!["route"]!.GetValue<string>());
        Assert.Equal(1, series["errors"]!.GetValue<long>());
        Assert.Equal(4, series["requests_per_second"]!.AsArray().Sum(n => n!.GetValue<long>()));
        Assert.Equal(300, series["requests_per_second"]!.AsArray().Count);
        Assert.NotNull(series["p95_ms"]);
        Assert.True(series["p50_ms"]!.GetValue<double>() <= series["p95_ms"]!.GetValue<double>());
        var web = live!["series"]!.AsArray().Single(s => s!["model"]!.GetValue<string>() == "auto" && s["route"]!.GetValue<string>() == "/v1/chat/completions");
        Assert.True(web!["requests"]!.GetValue<long>() >= 1);
        Assert.True(live["total"]!["requests"]!.GetValue<long>() >= 5);

        var top = live["top_users"]!.AsArray().SingleOrDefault(u => u!["user"]!.GetValue<string>() == "live-user");
        Assert.True(top is not null, live.ToJsonString());
        Assert.Equal(4, top!["requests"]!.GetValue<long>());
        var accounts = live["accounts"]!.AsArray();
        Assert.Equal(1, accounts.Single(a => a!["kind"]!.GetValue<string>() == "account" && a["state"]!.GetValue<string>() == "active")!["count"]!.GetValue<int>());

        // The view's own polling is not traffic it shows.
        Assert.DoesNotContain(live["series"]!.AsArray(), s => s!["route"]!.GetValue<string>().Contains("stats/live", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-the-password", HttpStatusCode.Unauthorized)]
    public async Task The_live_view_is_an_admin_route(string? bearer, HttpStatusCode expected)
    {
        using var client = gateway.App.CreateClient(bearer);

        Assert.Equal(expected, (await client.GetAsync("/api/stats/live")).StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("301")]
    [InlineData("many")]
    public async Task A_window_out_of_range_is_a_clear_400(string seconds)
    {
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);

        var answer = await admin.GetAsync("/api/stats/live?seconds=" + seconds);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("seconds", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
