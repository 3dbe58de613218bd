using Microsoft.Playwright;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>The console in a real browser (headless Chromium through Playwright), against one shared gateway.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsoleBrowserTests(ConsoleBrowserFixture fixture)
{
    [Fact]
    public async Task Signs_in_with_the_admin_password_and_refuses_a_wrong_one()
    {
        var page = await fixture.OpenConsoleAsync();
        await page.FillAsync("#signin-f-password", "not-the-password");
        await page.ClickAsync("#signin button[type=submit]");
        var error = page.Locator("#signin .form-error");
        await Assertions.Expect(error).ToContainTextAsync("Wrong password");
        Assert.Equal(0, await page.Locator("#sign-out").CountAsync());
        await ConsoleBrowserFixture.ScreenshotAsync(page, "sign-in-refused");

        await page.FillAsync("#signin-f-password", GatewayApp.AdminPassword);
        await page.FillAsync("#signin-f-name", "alice");
        await page.ClickAsync("#signin button[type=submit]");
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("alice · admin");
        await Assertions.Expect(page.Locator("[data-page-root=overview] h1")).ToHaveTextAsync("Overview");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "overview");

        // The session survives a reload (the cookie), and signing out ends it.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("alice · admin");
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
