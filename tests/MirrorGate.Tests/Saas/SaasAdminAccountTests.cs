using System.Net;
using System.Net.Http.Json;
using System.Text;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Saas;

/// <summary>SoruxGPT's <c>/adminapi</c>: the header guard, <c>addAccount</c> in every mode, <c>stateAccount</c> (issue 10, item 1).</summary>
public sealed class SaasAdminAccountTests(SaasGateway gateway) : IClassFixture<SaasGateway>
{
    private GatewayApp App => gateway.App;

    [Fact]
    public async Task A_missing_or_wrong_adminapi_header_is_401_with_a_clear_body_before_any_route_is_named()
    {
        foreach (var route in new[] { "/adminapi/addAccount", "/adminapi/stateAccount", "/adminapi/no-such-route" })
        {
            using var missing = await gateway.PostFormAsync(route, [], header: "");
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            var body = await missing.JsonAsync();
            Assert.Equal(0, body["code"]!.GetValue<int>());
            Assert.Contains("adminapi", body["detail"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

            using var wrong = await gateway.PostFormAsync(route, [], header: SaasGateway.Secret + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal("invalid adminapi", (await wrong.JsonAsync())["msg"]!.GetValue<string>());
        }

        using var unknown = await gateway.PostFormAsync("/adminapi/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, (await unknown.JsonAsync())["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_refresh_token_adds_an_rt_account_checked_upstream_that_the_pool_serves_at_once()
    {
        var sim = App.Simulator.AddAccount("sorux-rt@example.com", "plus");

        using var added = await gateway.PostFormAsync("/adminapi/addAccount", ("account", "sorux-rt@example.com"), ("password", ""), ("refresh_token", sim.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var body = await added.JsonAsync();
        Assert.Equal(1, body["code"]!.GetValue<int>());
        var data = body["data"]!;
        Assert.Equal("sorux-rt@example.com", data["account"]!.GetValue<string>());
        Assert.Equal("rt", data["mode"]!.GetValue<string>());
        Assert.Equal("plus", data["plan_type"]!.GetValue<string>());
        Assert.Equal("active", data["status"]!.GetValue<string>());
        Assert.True(data["access_token_exp"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.DoesNotContain(sim.RefreshToken, body.ToJsonString(), StringComparison.Ordinal);

        using var client = App.CreateClient(GatewayApp.ServiceKey);
        App.Simulator.ResetCallCounts();
        using var chat = await client.ChatAsync("served by the added account");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task Refresh_cookies_add_an_rc_account_from_the_cookie_value_or_a_whole_cookie_header()
    {
        var first = App.Simulator.AddAccount("sorux-rc1@example.com", "pro");
        var second = App.Simulator.AddAccount("sorux-rc2@example.com", "plus");

        using var bare = await gateway.PostFormAsync("/adminapi/addAccount", ("account", first.Email), ("refresh_cookies", first.SessionToken));
        using var header = await gateway.PostFormAsync("/adminapi/addAccount", ("account", second.Email),
            ("refresh_cookies", $"_ga=GA1.1; __Secure-next-auth.session-token={second.SessionToken}; oai-did=abc"));

        var bareData = (await bare.JsonAsync())["data"]!;
        Assert.Equal("rc", bareData["mode"]!.GetValue<string>());
        Assert.Equal("pro", bareData["plan_type"]!.GetValue<string>());
        Assert.Equal("rc", (await header.JsonAsync())["data"]!["mode"]!.GetValue<string>());

        using var noSession = await gateway.PostFormAsync("/adminapi/addAccount", ("refresh_cookies", "_ga=GA1.1; other=1"));
        Assert.Equal(HttpStatusCode.BadRequest, noSession.StatusCode);
        Assert.Contains("__Secure-next-auth.session-token", (await noSession.JsonAsync())["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_token_adds_an_at_account_and_adding_it_again_with_a_refresh_token_updates_the_same_account()
    {
        var sim = App.Simulator.AddAccount("sorux-at@example.com", "plus");

        using var at = await gateway.PostJsonAsync("/adminapi/addAccount", new { account = sim.Email, access_token = sim.AccessToken });
        Assert.Equal("at", (await at.JsonAsync())["data"]!["mode"]!.GetValue<string>());

        using var rt = await gateway.PostFormAsync("/adminapi/addAccount", ("account", sim.Email), ("refresh_token", sim.RefreshToken));
        Assert.Equal("rt", (await rt.JsonAsync())["data"]!["mode"]!.GetValue<string>());

        using var state = await gateway.PostFormAsync("/adminapi/stateAccount", ("account", sim.Email));
        var rows = (await state.JsonAsync())["data"]!.AsArray();
        var row = Assert.Single(rows);
        Assert.Equal("rt", row!["mode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("rk", "", "not supported")]
    [InlineData("", "secret-password", "not supported")]
    [InlineData("app", "secret-password", "not supported")]
    [InlineData("", "", "Send refresh_token")]
    [InlineData("xyz", "", "Unknown mode")]
    public async Task Unsupported_or_empty_modes_are_refused_with_a_clear_message(string mode, string password, string expected)
    {
        var fields = new List<KeyValuePair<string, string>> { new("account", "nobody@example.com") };
        if (mode.Length > 0)
        {
            fields.Add(new("mode", mode));
        }

        if (password.Length > 0)
        {
            fields.Add(new("password", password));
        }

        using var response = await gateway.PostFormAsync("/adminapi/addAccount", fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(0, body["code"]!.GetValue<int>());
        Assert.Contains(expected, body["detail"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_bodies_and_wrong_types_are_400_and_refused_credentials_are_code_0()
    {
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("adminapi", SaasGateway.Secret);

        using var badJson = await client.PostAsync("/adminapi/addAccount", new StringContent("{\"refresh_token\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);

        using var badMultipart = await client.PostAsync("/adminapi/addAccount", new StringContent("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", Encoding.UTF8, "multipart/form-data"));
        Assert.Equal(HttpStatusCode.BadRequest, badMultipart.StatusCode);

        using var wrongType = await client.PostAsJsonAsync("/adminapi/addAccount", new { refresh_token = 12 });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("refresh_token", (await wrongType.JsonAsync())["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        using var notAJwt = await gateway.PostFormAsync("/adminapi/addAccount", ("access_token", "not-a-token"));
        Assert.Equal(HttpStatusCode.BadRequest, notAJwt.StatusCode);

        using var refused = await gateway.PostFormAsync("/adminapi/addAccount", ("refresh_token", "rt-that-the-upstream-never-issued-0123456789"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var body = await refused.JsonAsync();
        Assert.Equal(0, body["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(body["msg"]!.GetValue<string>()));
    }

    [Fact]
    public async Task State_lists_every_account_with_mode_plan_state_expiry_last_error_and_use_counts()
    {
        var busy = App.Simulator.AddAccount("sorux-state-busy@example.com", "plus");
        var off = App.Simulator.AddAccount("sorux-state-off@example.com", "pro");
        (await gateway.PostFormAsync("/adminapi/addAccount", ("refresh_token", busy.RefreshToken))).Dispose();
        (await gateway.PostFormAsync("/adminapi/addAccount", ("refresh_token", off.RefreshToken))).Dispose();
        using (var admin = App.CreateClient(GatewayApp.AdminPassword))
        {
            (await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = off.Email, disabled = true, reason = "paused by the operator" })).EnsureSuccessStatusCode();
        }

        using (var user = App.CreateClient(await App.MirrorTokenAsync("sorux-state-user", busy.Email)))
        {
            using var chat = await user.ChatAsync("count me");
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        using var all = await gateway.PostFormAsync("/adminapi/stateAccount");
        Assert.True(all.IsSuccessStatusCode, await all.Content.ReadAsStringAsync());
        var rows = (await all.JsonAsync())["data"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => r["account"]!.GetValue<string>());
        Assert.Equal("active", rows[busy.Email]["status"]!.GetValue<string>());
        Assert.True(rows[busy.Email]["use_count_24h"]!.GetValue<long>() >= 1);
        Assert.Null(rows[busy.Email]["last_error"]);
        Assert.Equal("disabled", rows[off.Email]["status"]!.GetValue<string>());
        Assert.Equal("paused by the operator", rows[off.Email]["last_error"]!.GetValue<string>());
        Assert.NotNull(rows[off.Email]["last_error_at"]);
        Assert.Equal("pro", rows[off.Email]["plan_type"]!.GetValue<string>());

        using var unknown = await gateway.PostJsonAsync("/adminapi/stateAccount", new { account = "never-added@example.com" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, (await unknown.JsonAsync())["code"]!.GetValue<int>());
    }
}

/// <summary>Without a configured secret the API is off, not open.</summary>
public sealed class SaasAdminOffTests
{
    [Fact]
    public async Task Without_a_secret_every_adminapi_route_is_401_even_with_an_empty_header()
    {
        await using var app = await GatewayApp.StartAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/adminapi/stateAccount");
        request.Headers.TryAddWithoutValidation("adminapi", "");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("off", (await response.JsonAsync())["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
