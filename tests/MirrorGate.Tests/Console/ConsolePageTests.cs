using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>
/// The console's pages in a real browser against one shared gateway and its upstream simulator: each test uses names
/// of its own, so they do not depend on one another's data.
/// </summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsolePageTests(ConsoleBrowserFixture fixture)
{
    private GatewayApp Gateway => fixture.Gateway;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task An_account_added_with_a_refresh_token_becomes_active_and_can_be_disabled_and_re_enabled()
    {
        var email = Unique("console") + "@example.com";
        var account = Gateway.Simulator.AddAccount(email, "plus");
        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/accounts");
        await page.SelectOptionAsync("#add-account select[name=mode]", "refresh_token");
        await page.FillAsync("#add-account textarea[name=token]", account.RefreshToken);
        await page.ClickAsync("#add-account button[type=submit]");

        var row = page.Locator("#accounts-table tr", new PageLocatorOptions { HasText = email });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("active");
        await Assertions.Expect(row.Locator("[data-column=plan_type]")).ToHaveTextAsync("plus");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "accounts");

        await row.Locator("[data-action=disable]").ClickAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("disabled");
        Assert.Equal(AccountStatus.Disabled, (await Gateway.SnapshotAsync(email)).Status);

        await row.Locator("[data-action=enable]").ClickAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("active");
        Assert.Equal(AccountStatus.Active, (await Gateway.SnapshotAsync(email)).Status);

        await row.Locator("[data-action=probe]").ClickAsync();
        await Assertions.Expect(page.Locator(".toast").Last).ToContainTextAsync("the upstream accepts it");
        AssertNoScriptErrors();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_api_key_channel_is_added_and_its_key_is_shown_only_by_its_last_characters()
    {
        var name = Unique("channel");
        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/accounts");
        await page.FillAsync("#add-channel input[name=name]", name);
        await page.FillAsync("#add-channel input[name=base_url]", "http://127.0.0.1:9/v1");
        await page.FillAsync("#add-channel textarea[name=keys]", "sk-console-secret-key-4321");
        // Models of its own: the browser tests share one gateway, and this channel's upstream answers nobody, so it
        // must not take the models other tests chat with.
        var models = $"{name}-large, {name}-small";
        await page.FillAsync("#add-channel input[name=models]", models);
        await page.ClickAsync("#add-channel button[type=submit]");
        var row = page.Locator("#channels-table tr", new PageLocatorOptions { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync(models);
        await Assertions.Expect(row).ToContainTextAsync("4321");
        Assert.DoesNotContain("sk-console-secret", await page.ContentAsync(), StringComparison.Ordinal);

        // A bad base URL is refused with the API's message, shown next to the field it names.
        await page.FillAsync("#add-channel input[name=name]", name + "-bad");
        await page.FillAsync("#add-channel input[name=base_url]", "ftp://nowhere");
        await page.FillAsync("#add-channel textarea[name=keys]", "sk-x-0000");
        await page.FillAsync("#add-channel input[name=models]", "m");
        await page.ClickAsync("#add-channel button[type=submit]");
        await Assertions.Expect(page.Locator("#add-channel-e-base_url")).ToContainTextAsync("Invalid value for 'base_url'");
        await Assertions.Expect(page.Locator("#add-channel-f-base_url")).ToHaveAttributeAsync("aria-invalid", "true");
        AssertNoScriptErrors();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_pasted_token_file_imports_each_line_and_reports_the_bad_one()
    {
        var email = Unique("file") + "@example.com";
        var account = Gateway.Simulator.AddAccount(email, "team");
        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/accounts");
        await page.FillAsync("#import-accounts textarea[name=tokens]", $"# accounts\n{account.AccessToken}\nnot-a-token\n");
        await page.ClickAsync("#import-accounts button[type=submit]");
        await Assertions.Expect(page.Locator("#import-results p")).ToHaveTextAsync("Imported 1 of 2.");
        await Assertions.Expect(page.Locator("#import-results")).ToContainTextAsync("Not an access, refresh or session token.");
        await Assertions.Expect(page.Locator("#accounts-table tr", new PageLocatorOptions { HasText = email }).Locator(".badge")).ToHaveTextAsync("active");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Creating_an_activation_code_shows_it_once_lists_it_and_the_audit_page_shows_who_did_it()
    {
        var who = Unique("codes");
        var user = Unique("user");
        var page = await fixture.SignInAsync(name: who);
        await page.GotoAsync("/console/#/codes");
        await page.FillAsync("#create-code input[name=user]", user);
        await page.SelectOptionAsync("#create-code select[name=plan]", "plus");
        await page.FillAsync("#create-code input[name=days]", "30");
        await page.ClickAsync("#create-code button[type=submit]");
        var code = await page.Locator("#new-code").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(code));
        var row = page.Locator("#codes-table tr", new PageLocatorOptions { HasText = user });
        await Assertions.Expect(row).ToContainTextAsync("plus");
        await Assertions.Expect(row).ToContainTextAsync("…" + code![^4..]);
        await ConsoleBrowserFixture.ScreenshotAsync(page, "activation-codes");

        // Expire it now: the list shows it expired.
        await page.FillAsync("#update-code input[name=code]", code);
        await page.FillAsync("#update-code input[name=expires_at]", "2020-01-01T00:00");
        await page.ClickAsync("#update-code button[type=submit]");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("expired");

        // An invalid entry shows the API's own message inline, next to the field it names.
        await page.FillAsync("#revoke-code input[name=code]", "no-such-code");
        await page.ClickAsync("#revoke-code button[type=submit]");
        await Assertions.Expect(page.Locator("#revoke-code .form-error[role=alert]")).ToHaveTextAsync("Unknown or revoked activation code.");

        await page.GotoAsync("/console/#/audit");
        await page.FillAsync("#audit-actor", who);
        await page.ClickAsync("text=Filter");
        var entries = page.Locator("#audit-table tbody tr");
        await Assertions.Expect(entries).ToHaveCountAsync(3);
        await Assertions.Expect(entries.Nth(2)).ToContainTextAsync("POST /adminapi/createActivationCode");
        await Assertions.Expect(entries.Nth(2)).ToContainTextAsync($"{who} (admin)");
        await Assertions.Expect(entries.Nth(1)).ToContainTextAsync("POST /adminapi/updateActivationCode");
        await Assertions.Expect(entries.Nth(0)).ToContainTextAsync("404");
        Assert.DoesNotContain(code, await page.Locator("#audit-table").TextContentAsync(), StringComparison.Ordinal);
        await ConsoleBrowserFixture.ScreenshotAsync(page, "audit");
        AssertNoScriptErrors();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_price_is_edited_and_previewed_and_a_bad_table_is_refused_with_its_reason()
    {
        var ppid = Unique("pp");
        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/pricing");
        await page.FillAsync("#open-program input[name=ppid]", ppid);
        await page.ClickAsync("#open-program button[type=submit]");
        await page.FillAsync("#edit-program input[name=name]", "Console test program");
        await page.FillAsync("#timings textarea[name=pricing_data]", "pricings:\n- {price_factors: flat, unit_prices: 0.5}");
        await page.ClickAsync("#edit-program button[type=submit]");
        await Assertions.Expect(page.Locator(".toast").Last).ToContainTextAsync($"Program {ppid} saved.");

        await page.FillAsync("#preview-price textarea[name=data]", "{}");
        await page.ClickAsync("#preview-price button[type=submit]");
        await Assertions.Expect(page.Locator("#preview-amount")).ToHaveTextAsync("0.5");

        // Edit the price: the preview follows.
        await page.FillAsync("#timings textarea[name=pricing_data]", "pricings:\n- {price_factors: flat, unit_prices: 0.75}");
        await page.ClickAsync("#edit-program button[type=submit]");
        await Assertions.Expect(page.Locator(".toast").Last).ToContainTextAsync($"Program {ppid} saved.");
        await page.ClickAsync("#preview-price button[type=submit]");
        await Assertions.Expect(page.Locator("#preview-amount")).ToHaveTextAsync("0.75");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "pricing");

        await page.FillAsync("#timings textarea[name=pricing_data]", "pricings:\n- {price_factors: flat, unit_prices: lots}");
        await page.ClickAsync("#edit-program button[type=submit]");
        await Assertions.Expect(page.Locator("#edit-program .form-error[role=alert]")).Not.ToBeEmptyAsync();
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        var stored = await admin.GetFromJsonAsync<JsonObject>($"/api/pricing/programs/{ppid}");
        Assert.Contains("0.75", stored!["timings"]![0]!["pricing_data"]!.GetValue<string>(), StringComparison.Ordinal);

        // The program is listed (API and page), and opens from the list without typing its id.
        var listed = await admin.GetFromJsonAsync<JsonObject>("/api/pricing/programs");
        Assert.Contains(listed!["programs"]!.AsArray(), p => p!["id"]!.GetValue<string>() == ppid && p["name"]!.GetValue<string>() == "Console test program");
        await page.ReloadAsync();
        await page.ClickAsync($"#pricing-list button[data-ppid='{ppid}']");
        await Assertions.Expect(page.Locator("#edit-program input[name=name]")).ToHaveValueAsync("Console test program");
        AssertNoScriptErrors();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_read_only_operator_sees_every_page_but_cannot_change_anything()
    {
        var page = await fixture.SignInAsync(ConsoleBrowserFixture.OperatorPassword);
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("operator · operator");
        await page.GotoAsync("/console/#/accounts");
        await Assertions.Expect(page.Locator("#add-account button[type=submit]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#import-accounts button[type=submit]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#add-channel button[type=submit]")).ToBeDisabledAsync();
        await ConsoleBrowserFixture.ScreenshotAsync(page, "operator-accounts");
        await page.GotoAsync("/console/#/codes");
        await Assertions.Expect(page.Locator("#create-code button[type=submit]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#revoke-code button[type=submit]")).ToBeDisabledAsync();
        await page.GotoAsync("/console/#/audit");
        await Assertions.Expect(page.Locator("[data-page-root=audit] h1")).ToHaveTextAsync("Audit log");

        // Going around the UI: the API itself refuses the operator's change, with the CSRF token and all.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const session = await (await fetch('/console/session')).json();
              const r = await fetch('/adminapi/createActivationCode', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token }, body: '{"user":"sneaky"}' });
              return r.status;
            }
            """);
        Assert.Equal(403, status);
        AssertNoScriptErrors();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_cross_site_form_post_and_a_cookie_request_without_the_csrf_token_are_refused()
    {
        var user = Unique("csrf");
        var page = await fixture.SignInAsync();

        // Without the CSRF header, from the console's own origin: 403.
        var bare = await page.EvaluateAsync<string>("""
            async () => {
              const r = await fetch('/adminapi/createActivationCode', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":"bare"}' });
              return r.status + ' ' + await r.text();
            }
            """);
        Assert.StartsWith("403 ", bare, StringComparison.Ordinal);
        Assert.Contains("CSRF", bare, StringComparison.Ordinal);

        // A page on another loopback origin (same site, so the browser sends the SameSite=Strict cookie) posts a form to the gateway.
        var gateway = Gateway.BaseAddress.GetLeftPart(UriPartial.Authority);
        var evilOrigin = $"http://127.0.0.1:{(Gateway.BaseAddress.Port == 1 ? 2 : 1)}";
        await page.Context.RouteAsync($"{evilOrigin}/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"""
                <html><body><form id="f" method="post" action="{gateway}/adminapi/createActivationCode">
                <input name="user" value="{user}"></form>
                <script>document.getElementById('f').submit();</script></body></html>
                """,
        }));
        var posted = page.WaitForResponseAsync(r => r.Url == $"{gateway}/adminapi/createActivationCode" && r.Request.Method == "POST");
        await page.GotoAsync($"{evilOrigin}/attack");
        var response = await posted;
        Assert.Equal(403, response.Status);
        Assert.Contains("CSRF", await response.TextAsync(), StringComparison.Ordinal);

        using var saas = Gateway.CreateClient();
        saas.DefaultRequestHeaders.Add("adminapi", ConsoleBrowserFixture.SaasSecret);
        var codes = await (await saas.PostAsJsonAsync("/adminapi/listActivationCodes", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Empty(codes!["data"]!.AsArray());
        await page.Context.CloseAsync();
    }

    private void AssertNoScriptErrors() => Assert.Empty(fixture.PageErrors);
}
