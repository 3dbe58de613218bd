namespace MirrorGate.Grains.Wallets;

/// <summary>Wallet settings (section <c>Wallets</c>).</summary>
public sealed class WalletOptions
{
    public const string SectionName = "Wallets";

    /// <summary>
    /// The floor: no charge may take a wallet's spendable balance below it. <value>Default 0</value> (prepaid: a
    /// customer spends only what it paid in). The original checks <c>balance &gt; llm.min_balance</c> per model
    /// before a call (research D.4); here the floor holds for every charge, at the moment it is written.
    /// </summary>
    public decimal MinBalance { get; set; }

    /// <summary>
    /// How long a hold may stay open before the sweep gives it back. <value>Default 1 hour</value>: far longer than
    /// any LLM call (a stream is cut long before), so only a charge whose node died between reserve and settle meets
    /// it. A caller that holds for longer on purpose (a video task) passes its own lifetime.
    /// </summary>
    public TimeSpan HoldLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sweep looks for expired holds. <value>Default 5 minutes</value> (never below Orleans' minimum reminder period).</summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many holds are released per sweep tick. <value>Default 500</value>; the rest wait for the next tick.</summary>
    public int SweepBatch { get; set; } = 500;
}
