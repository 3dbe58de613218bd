using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>One gateway shared by the console's HTTP tests (they sign in separately and change nothing the others read).</summary>
public sealed class ConsoleGatewayFixture : IAsyncLifetime
{
    public GatewayApp Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await GatewayApp.StartAsync(ConsoleTestSettings.Gateway());

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

/// <summary>The console's files, sign-in, session cookie, CSRF and roles, through plain HTTP.</summary>
public sealed class ConsoleSessionTests(ConsoleGatewayFixture fixture) : IClassFixture<ConsoleGatewayFixture>
{
    private GatewayApp Gateway => fixture.Gateway;

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/")]
    public async Task Serves_the_console_page_with_a_strict_content_security_policy(string path)
    {
        using var client = Gateway.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Serves_scripts_with_an_etag_and_answers_304_when_unchanged()
    {
        using var client = Gateway.CreateClient();
        var first = await client.GetAsync("/console/pages/index.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", first.Headers.CacheControl!.ToString());
        var etag = first.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/console/pages/index.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);

        var missing = await client.GetAsync("/console/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-file.js", (await missing.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_gets_401_with_a_clear_message_and_no_cookie()
    {
        using var client = Gateway.CreateClient();
        var response = await client.PostAsJsonAsync("/console/session", new { password = "guess" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Wrong password", (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        var empty = await client.PostAsJsonAsync("/console/session", new { name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("'password'", (await empty.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_strict_and_names_who_signed_in()
    {
        using var client = Gateway.CreateClient();
        var response = await client.PostAsJsonAsync("/console/session", new { password = GatewayApp.AdminPassword, name = "carol" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.StartsWith("mirrorgate_console=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/", setCookie, StringComparison.Ordinal);
        Assert.Contains("max-age=28800", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", setCookie, StringComparison.Ordinal); // plain HTTP here; Secure when the request is HTTPS

        using var session = await ConsoleHttp.SignInAsync(Gateway, name: "carol");
        var who = (await (await session.SendAsync(HttpMethod.Get, "/console/session")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("carol", who["name"]!.GetValue<string>());
        Assert.Equal("admin", who["role"]!.GetValue<string>());
        Assert.Equal(session.CsrfToken, who["csrf_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_session_the_session_route_says_not_signed_in_and_a_tampered_cookie_is_refused()
    {
        using var client = Gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/console/session")).StatusCode);

        using var session = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword);

        // Flip the role inside the signed payload: the MAC no longer matches.
        var value = session.Cookie["mirrorgate_console=".Length..];
        var parts = value.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("\"operator\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"mirrorgate_console={parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cluster");
        request.Headers.Add("Cookie", forged);
        var refused = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("sign in again", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_session_reads_and_changes_with_the_csrf_token_only()
    {
        using var session = await ConsoleHttp.SignInAsync(Gateway);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Get, "/api/cluster", csrf: false)).StatusCode);

        var channel = new { name = "csrf-probe", base_url = "http://127.0.0.1:9/v1", keys = new[] { "sk-test-csrf-1234" }, models = new[] { "gpt-4o" } };
        var noToken = await session.SendAsync(HttpMethod.Post, "/api/channels", channel, csrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains("CSRF", (await noToken.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var foreign = await session.SendAsync(HttpMethod.Post, "/api/channels", channel, origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("Cross-origin", (await foreign.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var added = await session.SendAsync(HttpMethod.Post, "/api/channels", channel, origin: Gateway.BaseAddress.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        // adminapi answers a refused cookie in its own shape.
        var saas = await session.SendAsync(HttpMethod.Post, "/adminapi/createActivationCode", new { user = "x" }, csrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, saas.StatusCode);
        var saasBody = (await saas.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(0, saasBody["code"]!.GetValue<int>());
        Assert.Contains("CSRF", saasBody["detail"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_reads_but_every_change_is_refused_with_403()
    {
        using var session = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Get, "/api/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Get, "/api/channels")).StatusCode);

        // A POST that only reads (the seed's list route) is open to operators.
        var list = await session.SendAsync(HttpMethod.Post, "/adminapi/listActivationCodes", new { });
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var change = await session.SendAsync(HttpMethod.Post, "/api/set-chatgpt-status", new { chatgpt = "a@example.com", disabled = true });
        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Contains("read-only", (await change.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var create = await session.SendAsync(HttpMethod.Post, "/adminapi/createActivationCode", new { user = "op-user" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Contains("read-only", (await create.Content.ReadFromJsonAsync<JsonObject>())!["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_with_the_apis_own_secrets_need_no_csrf_token()
    {
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/channels", new { name = "bearer", base_url = "http://127.0.0.1:9/v1", keys = new[] { "sk-bearer-0000" }, models = new[] { "gpt-4o" } })).StatusCode);

        using var saas = Gateway.CreateClient();
        saas.DefaultRequestHeaders.Add("adminapi", ConsoleBrowserFixture.SaasSecret);
        Assert.Equal(HttpStatusCode.OK, (await saas.PostAsJsonAsync("/adminapi/listActivationCodes", new { })).StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_csrf_token_and_clears_the_cookie()
    {
        using var session = await ConsoleHttp.SignInAsync(Gateway);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.SendAsync(HttpMethod.Delete, "/console/session", csrf: false)).StatusCode);
        var response = await session.SendAsync(HttpMethod.Delete, "/console/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cleared = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("mirrorgate_console=;", cleared, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_dashboard_admits_a_console_session_and_nobody_without_one()
    {
        using var anonymous = Gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode);

        using var session = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Get, "/dashboard/")).StatusCode);
    }
}
