using System.Globalization;
using Microsoft.Playwright;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>The live view page in a real browser: API traffic sent while it is open moves its numbers and charts.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class LiveViewBrowserTests(ConsoleBrowserFixture fixture)
{
    [Fact]
    public async Task Traffic_sent_while_the_live_view_is_open_moves_its_numbers_and_charts()
    {
        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/live");
        await Assertions.Expect(page.Locator("[data-page-root=live] h1")).ToHaveTextAsync("Live view");
        var requests = page.Locator("#live-requests");
        await Assertions.Expect(requests).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+$"));
        var before = long.Parse(await requests.TextContentAsync() ?? "0", CultureInfo.InvariantCulture);

        using var client = fixture.Gateway.CreateClient(GatewayApp.ServiceKey);
        for (var i = 0; i < 6; i++)
        {
            (await client.GetAsync("/v1/models")).EnsureSuccessStatusCode();
        }

        // The page polls: the total and a chart for the route appear without a reload.
        await Eventually.WaitUntilAsync(async () => long.Parse(await requests.TextContentAsync() ?? "0", CultureInfo.InvariantCulture) >= before + 6, "the live view counts the 6 requests", TimeSpan.FromSeconds(15));
        var series = page.Locator(".live-series[data-route='/v1/models']");
        await Assertions.Expect(series).ToBeVisibleAsync();
        await Assertions.Expect(series.Locator("svg.chart polyline").First).ToBeAttachedAsync();
        Assert.True(await page.Locator("svg.chart").CountAsync() >= 3, "charts for traffic, latency and the route");
        Assert.Empty(fixture.PageErrors);
        await ConsoleBrowserFixture.ScreenshotAsync(page, "live-view");
        await page.Context.CloseAsync();
    }
}
