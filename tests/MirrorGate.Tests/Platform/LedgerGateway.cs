using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// One embedded gateway shared by the ledger's HTTP tests (each test uses orgs of its own), with test logins
/// (<see cref="TestPlatformCallers"/>).
/// </summary>
public sealed class LedgerGateway : IAsyncLifetime
{
    private GatewayApp? _app;

    public GatewayApp App => _app ?? throw new InvalidOperationException("The gateway has not started.");

    public ILedgerStore Ledger => App.Services.GetRequiredService<ILedgerStore>();

    // The hold sweep runs every second here (5 minutes by default), so a test sees an abandoned hold come back by itself.
    public async Task InitializeAsync() => _app = await GatewayApp.StartAsync(
        new Dictionary<string, string?> { ["Wallets:SweepPeriod"] = "00:00:01" },
        services: static services => services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static string NewOrg() => "org-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Puts <paramref name="amount"/> into an org's wallet as a paid recharge would.</summary>
    public async Task FundAsync(string org, decimal amount)
    {
        var wallet = App.Grains.GetGrain<IWalletGrain>(org);
        var orderId = "fund-" + Guid.NewGuid().ToString("N");
        Assert.True(await wallet.CreateRechargeOrderAsync(orderId, "user-1", amount, "test"));
        Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync(orderId, amount)).Outcome);
    }
}
