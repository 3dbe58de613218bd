using Microsoft.Playwright;
using MirrorGate.Tests.Infrastructure;
using OpenAI.Chat;

namespace MirrorGate.Tests.Console;

/// <summary>
/// The operator's round trip: a chat request made through the API with the official client shows up in the console,
/// in the live view (its route and model, its user among the top users) and in the usage list, in a real browser.
/// </summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ChatInConsoleBrowserTests(ConsoleBrowserFixture fixture)
{
    [Fact]
    public async Task A_chat_request_through_the_api_appears_in_the_live_view_and_in_usage()
    {
        var email = $"round-trip-{Guid.NewGuid():N}"[..24] + "@example.com";
        var user = $"rt-{Guid.NewGuid():N}"[..16];
        await fixture.Gateway.AddPooledAccountAsync(email);
        var chat = fixture.Gateway.OpenAiChat("gpt-4o", await fixture.Gateway.MirrorTokenAsync(user, email));
        var answer = await chat.CompleteChatAsync([new UserChatMessage("Say this is a test!")]);
        Assert.False(string.IsNullOrEmpty(answer.Value.Content[0].Text));

        var page = await fixture.SignInAsync();
        await page.GotoAsync("/console/#/live");
        var series = page.Locator(".live-series[data-route='/v1/chat/completions'][data-model='gpt-4o']");
        await Assertions.Expect(series).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(series.Locator("p")).ToContainTextAsync("requests");
        await Assertions.Expect(page.Locator("table", new() { HasText = user })).ToBeVisibleAsync();
        await ConsoleBrowserFixture.ScreenshotAsync(page, "live-view-after-chat");

        await page.GotoAsync("/console/#/usage");
        await page.FillAsync("#usage-user", user);
        var rows = page.Locator("#usage-table tbody tr");
        await Eventually.WaitUntilAsync(async () =>
        {
            await page.ClickAsync("#usage-apply");
            await page.WaitForSelectorAsync("#usage-table table, #usage-table .empty");
            return await rows.CountAsync() == 1;
        }, "the chat request is listed in usage");
        await Assertions.Expect(rows.Locator("[data-column=user]")).ToHaveTextAsync(user);
        await Assertions.Expect(rows.Locator("[data-column=model]")).ToHaveTextAsync("gpt-4o");
        Assert.Empty(fixture.PageErrors);
        await page.Context.CloseAsync();
    }
}
