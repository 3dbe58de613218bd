using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Wallets;

/// <summary>
/// The cluster's one sweep of abandoned holds. It reads the ledger's open-hold list by expiry (the gateway's clock,
/// so tests can move it) and asks each hold's wallet to release it: the release is the charge's one <c>close</c>, so a
/// settle that arrives later gets <see cref="WalletOutcome.AlreadyClosed"/> and nothing is charged twice. Paced by a
/// reminder, which Orleans keeps in the store: it survives restarts and moves with the grain when a node dies.
/// </summary>
[GrainType("hold-sweep")]
public sealed partial class HoldSweepGrain(
    ILedgerStore ledger,
    IOptions<WalletOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<HoldSweepGrain> logger) : Grain, IHoldSweepGrain, IRemindable
{
    private const string ReminderName = "sweep-holds";

    private TimeSpan Period =>
        options.Value.SweepPeriod > reminderOptions.Value.MinimumReminderPeriod ? options.Value.SweepPeriod : reminderOptions.Value.MinimumReminderPeriod;

    // Registering again keeps one reminder (same name) and applies a changed SweepPeriod; it is one store write per silo start.
    public Task StartAsync() => this.RegisterOrUpdateReminder(ReminderName, Period, Period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            await SweepAsync();
        }
    }

    public async Task<int> SweepAsync()
    {
        var released = 0;
        foreach (var hold in await ledger.FindExpiredHoldsAsync(time.GetUtcNow(), Math.Max(1, options.Value.SweepBatch)))
        {
            var result = await GrainFactory.GetGrain<IWalletGrain>(hold.OrgId).ReleaseAsync(hold.Key);
            if (result.Outcome == WalletOutcome.Done)
            {
                released++;
                LogReleased(logger, hold.Key, hold.OrgId, hold.Amount, hold.ExpiresAt);
            }
        }

        return released;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released abandoned hold {Key} of wallet {OrgId} ({AmountMicros} millionths; it expired at {ExpiresAt:o} unsettled)")]
    private static partial void LogReleased(ILogger logger, string key, string orgId, long amountMicros, DateTimeOffset expiresAt);
}
