using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>
/// A console session is a way into the admin APIs of its own, not a wrapper of their secrets (docs/console.md): it
/// reaches <c>/adminapi</c> with no <c>ADMINAPI</c> secret configured, and the read-only operator reads <c>/api</c> with
/// no <c>ADMIN_PASSWORD</c>; the secrets' own way in stays off, and the operator still changes nothing.
/// </summary>
public sealed class ConsoleWithoutApiSecretsTests
{
    [Fact]
    public async Task An_admin_session_reaches_adminapi_with_no_adminapi_secret_configured_while_the_header_stays_off()
    {
        var settings = ConsoleTestSettings.Gateway();
        settings["SaasAdmin:Secret"] = string.Empty;
        await using var app = await GatewayApp.StartAsync(settings);
        using var admin = await ConsoleHttp.SignInAsync(app);

        var user = "no-secret-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.SendAsync(HttpMethod.Post, "/adminapi/createActivationCode", new { user });
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(created.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(1, body["code"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Post, "/adminapi/listActivationCodes", new { })).StatusCode);

        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/adminapi/listActivationCodes") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("adminapi", ConsoleBrowserFixture.SaasSecret);
        using var refused = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("off", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_operator_reads_api_with_no_admin_password_configured_and_still_changes_nothing()
    {
        var settings = ConsoleTestSettings.Gateway();
        settings["Gateway:AdminPassword"] = string.Empty;
        await using var app = await GatewayApp.StartAsync(settings);
        using var operatorSession = await ConsoleHttp.SignInAsync(app, ConsoleBrowserFixture.OperatorPassword);

        var accounts = await operatorSession.SendAsync(HttpMethod.Get, "/api/accounts");
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        Assert.NotNull((await accounts.Content.ReadFromJsonAsync<JsonObject>())!["accounts"]);
        Assert.Equal(HttpStatusCode.OK, (await operatorSession.SendAsync(HttpMethod.Get, "/api/audit")).StatusCode);

        var change = await operatorSession.SendAsync(HttpMethod.Post, "/api/set-chatgpt-status", new { chatgpt = "someone@example.com", disabled = true });
        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Contains("read-only", (await change.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var bearer = app.CreateClient(GatewayApp.AdminPassword);
        var off = await bearer.GetAsync("/api/accounts");
        Assert.Equal(HttpStatusCode.Unauthorized, off.StatusCode);
        Assert.Contains("ADMIN_PASSWORD", (await off.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/console/session", new { password = GatewayApp.AdminPassword })).StatusCode);
    }
}
