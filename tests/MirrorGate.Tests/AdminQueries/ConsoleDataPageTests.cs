using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MirrorGate.Api.Platform.Rbac;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Videos;
using MirrorGate.Tests.Console;
using MirrorGate.Tests.Infrastructure;
using OpenAI.Chat;

namespace MirrorGate.Tests.AdminQueries;

/// <summary>
/// The console's data pages (Usage, Orders, Video tasks, Users, Platform users &amp; wallets) in headless Chromium,
/// on the console's shared browser and gateway; each test uses names of its own. A screenshot of each page is kept.
/// </summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsoleDataPageTests(ConsoleBrowserFixture fixture)
{
    private GatewayApp Gateway => fixture.Gateway;

    [Fact]
    public async Task Usage_filtered_by_user_after_two_users_chat_shows_that_users_requests_and_downloads_them_as_csv()
    {
        var email = Unique("usage") + "@example.com";
        await Gateway.AddPooledAccountAsync(email);
        var (alice, bob) = (Unique("alice"), Unique("bob"));
        var aliceChat = Gateway.OpenAiChat("gpt-4o", await Gateway.MirrorTokenAsync(alice, email, limits: new[] { new { model_name = "gpt-4o", every_minute = 60, limit_count = 10 } }));
        await aliceChat.CompleteChatAsync([new UserChatMessage("one")]);
        await aliceChat.CompleteChatAsync([new UserChatMessage("two")]);
        await Gateway.OpenAiChat("gpt-4o", await Gateway.MirrorTokenAsync(bob, email)).CompleteChatAsync([new UserChatMessage("three")]);
        var page = await fixture.SignInAsync();

        await page.GotoAsync("/console/#/usage");
        await page.FillAsync("#usage-user", alice);
        var rows = page.Locator("#usage-table tbody tr");
        await Eventually.WaitUntilAsync(async () =>
        {
            await page.ClickAsync("#usage-apply");
            await page.WaitForSelectorAsync("#usage-table table, #usage-table .empty");
            return await rows.CountAsync() == 2;
        }, "alice's two requests are listed");
        await Assertions.Expect(rows.Locator("[data-column=user]")).ToHaveTextAsync([alice, alice]);
        await Assertions.Expect(rows.Locator("[data-column=model]").First).ToHaveTextAsync("gpt-4o");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "usage");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#usage-csv"));
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal("request_id,at,user,model,account,node,prompt_tokens,completion_tokens", lines[0]);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Equal(alice, l.Split(',')[2]));

        // The Users page shows alice with her limit and today's two requests.
        await page.GotoAsync("/console/#/users");
        await page.FillAsync("#users-name", alice);
        await page.ClickAsync("#users-apply");
        var user = page.Locator("#users-table tbody tr", new PageLocatorOptions { HasText = alice });
        await Assertions.Expect(user.Locator("[data-column=limits]")).ToHaveTextAsync("gpt-4o: 10 per 60 min");
        await Assertions.Expect(user.Locator("[data-column=use_count_today]")).ToHaveTextAsync("2");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "users");
        Assert.Empty(fixture.PageErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_adjusts_a_wallet_with_a_reason_and_sees_the_balance_the_posting_and_the_order()
    {
        var org = "org-" + Guid.NewGuid().ToString("N")[..12];
        await FundAsync(org, 3m);
        var phone = "17" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var platformUser = await Gateway.Grains.GetGrain<IPhoneIndexGrain>(phone).AddUserAsync(Unique("buyer"), org, "Buyer", DateTimeOffset.UtcNow);
        var (session, _) = await Gateway.Services.GetRequiredService<PlatformSessions>().StartAsync(platformUser);
        using (var platform = Gateway.CreateClient(session))
        {
            using var applied = await platform.PostAsync("/dapi/apply_apikey.dspy", new FormUrlEncodedContent([KeyValuePair.Create("appname", "shop app")]));
            Assert.True(applied.IsSuccessStatusCode);
        }

        var page = await fixture.SignInAsync(name: "carol");
        await page.GotoAsync("/console/#/wallets");
        await page.FillAsync("#platform-users-name", platformUser.Id);
        await page.ClickAsync("#platform-users-apply");
        await page.ClickAsync("#platform-users-table a.open-user");
        await Assertions.Expect(page.Locator("#wallet-balance")).ToContainTextAsync("3");
        await Assertions.Expect(page.Locator("#wallet-detail")).ToContainTextAsync("shop app");

        await page.FillAsync("#wallet-adjust input[name=amount]", "2.5");
        await page.FillAsync("#wallet-adjust input[name=reason]", "goodwill for the outage");
        await page.ClickAsync("#wallet-adjust button[type=submit]");
        await Assertions.Expect(page.Locator("#wallet-balance")).ToContainTextAsync("5.5");
        var posting = page.Locator("#wallet-detail tbody tr", new PageLocatorOptions { HasText = "ADJUST" });
        await Assertions.Expect(posting.Locator("[data-column=delta]")).ToContainTextAsync("+2.5");
        Assert.Equal(5.5m, (await Gateway.Grains.GetGrain<IWalletGrain>(org).GetBalanceAsync()).Balance);

        // A debit below the floor is refused on the form, and nothing moves.
        await page.FillAsync("#wallet-adjust input[name=amount]", "-10");
        await page.FillAsync("#wallet-adjust input[name=reason]", "too much");
        await page.ClickAsync("#wallet-adjust button[type=submit]");
        await Assertions.Expect(page.Locator("#wallet-adjust .form-error[role=alert]")).ToContainTextAsync("below its floor");
        Assert.Equal(5.5m, (await Gateway.Grains.GetGrain<IWalletGrain>(org).GetBalanceAsync()).Balance);
        await ConsoleBrowserFixture.ScreenshotAsync(page, "wallets");

        // The Orders page lists the adjustment with its reason's order, by whom it was made.
        await page.GotoAsync("/console/#/orders");
        await page.FillAsync("#orders-org", org);
        await page.SelectOptionAsync("#orders-kind", "ADJUST");
        await page.ClickAsync("#orders-apply");
        var order = page.Locator("#orders-table tbody tr");
        await Assertions.Expect(order).ToHaveCountAsync(1);
        await Assertions.Expect(order.Locator("[data-column=user]")).ToHaveTextAsync("carol");
        await Assertions.Expect(order.Locator("[data-column=amount]")).ToContainTextAsync("2.5");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "orders");
        Assert.Empty(fixture.PageErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Video_tasks_filter_by_status_and_a_read_only_operator_cannot_adjust_a_wallet()
    {
        var org = "org-" + Guid.NewGuid().ToString("N")[..12];
        var catalog = Gateway.Services.GetRequiredService<IVideoTaskCatalog>();
        var now = DateTimeOffset.UtcNow;
        await catalog.UpsertAsync(new VideoTaskRecord(Unique("task"), "user-v", org, "viduq1", VideoStatus.Succeeded, "success", VideoSettlement.Charged, 1.5m, null, now, now));
        await catalog.UpsertAsync(new VideoTaskRecord(Unique("task"), "user-v", org, "viduq1", VideoStatus.Failed, "failed", VideoSettlement.Released, 1.5m, "SimulatedFailure", now.AddSeconds(1), now.AddSeconds(1)));
        var page = await fixture.SignInAsync(ConsoleBrowserFixture.OperatorPassword, "olga");

        await page.GotoAsync("/console/#/videos");
        await page.FillAsync("#videos-org", org);
        await page.ClickAsync("#videos-apply");
        await Assertions.Expect(page.Locator("#videos-table tbody tr")).ToHaveCountAsync(2);
        await page.SelectOptionAsync("#videos-status", "FAILED");
        await page.ClickAsync("#videos-apply");
        var failed = page.Locator("#videos-table tbody tr");
        await Assertions.Expect(failed).ToHaveCountAsync(1);
        await Assertions.Expect(failed.Locator("[data-column=error]")).ToHaveTextAsync("SimulatedFailure");
        Assert.Contains("status=FAILED", await page.GetAttributeAsync("#videos-csv", "href") ?? string.Empty, StringComparison.Ordinal);
        await ConsoleBrowserFixture.ScreenshotAsync(page, "video-tasks");

        await page.GotoAsync("/console/#/wallets");
        await page.FillAsync("#wallet-org", org);
        await page.ClickAsync("#wallet-open");
        await Assertions.Expect(page.Locator("#wallet-adjust button[type=submit]")).ToBeDisabledAsync();
        Assert.Empty(fixture.PageErrors);
        await page.Context.CloseAsync();
    }

    private async Task FundAsync(string org, decimal amount)
    {
        var wallet = Gateway.Grains.GetGrain<IWalletGrain>(org);
        var orderId = "fund-" + Guid.NewGuid().ToString("N");
        Assert.True(await wallet.CreateRechargeOrderAsync(orderId, "user-1", amount, "test"));
        Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync(orderId, amount)).Outcome);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
