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
}
