using Microsoft.Playwright;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>
/// One gateway on a real loopback socket (the browser needs one) and one headless Debian Chromium, shared by every
/// browser test of the console: starting either costs seconds. Tests isolate themselves with their own browser
/// context (cookies) and their own names (accounts, codes, programs). Playwright never downloads a browser here:
/// it drives <c>/usr/bin/chromium</c> (deploy/chromium.sh installs it; <c>MIRRORGATE_CHROMIUM</c> overrides).
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime
{
    public const string OperatorPassword = "test-operator-password";
    public const string SaasSecret = "test-adminapi-secret";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public GatewayApp Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of the console's pages go: the test output folder, kept as artifacts.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    /// <summary>Uncaught script errors seen by any page; tests assert there were none.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> PageErrors { get; } = [];

    public static string ChromiumPath => Environment.GetEnvironmentVariable("MIRRORGATE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The console's browser tests need Chromium at {ChromiumPath}: run deploy/chromium.sh (deploy/test.sh does).");
        }

        Gateway = await GatewayApp.StartAsync(ConsoleTestSettings.Gateway(), kestrel: true);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
    }

    /// <summary>A fresh browser context (no cookies) with a page on the console, not yet signed in.</summary>
    public async Task<IPage> OpenConsoleAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Gateway.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();

        // A script error in the console fails the test that met it, with the browser's own message.
        page.PageError += (_, message) => PageErrors.Add($"{page.Url}: {message}");
        await page.GotoAsync("/console/");
        return page;
    }

    /// <summary>A fresh context signed in with <paramref name="password"/> (the admin's by default), showing the shell.</summary>
    public async Task<IPage> SignInAsync(string password = GatewayApp.AdminPassword, string? name = null)
    {
        var page = await OpenConsoleAsync();
        await page.FillAsync("#signin-f-password", password);
        if (name is not null)
        {
            await page.FillAsync("#signin-f-name", name);
        }

        await page.ClickAsync("#signin button[type=submit]");
        await page.WaitForSelectorAsync("#sign-out");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
}

[CollectionDefinition(Name)]
public sealed class ConsoleBrowserCollection : ICollectionFixture<ConsoleBrowserFixture>
{
    public const string Name = "Console browser";
}
