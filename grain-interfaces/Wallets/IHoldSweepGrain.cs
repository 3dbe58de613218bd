namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>
/// Gives back holds nobody closed: a charge whose node died between reserve and settle would otherwise keep its
/// amount out of the wallet forever. One per cluster (key 0), woken by a durable reminder (docs/ledger.md).
/// </summary>
[Alias("mg.IHoldSweepGrain")]
public interface IHoldSweepGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the sweep's reminder (idempotent); every silo calls it at start.</summary>
    Task StartAsync();

    /// <summary>Releases up to one batch of expired holds now; answers how many it released.</summary>
    Task<int> SweepAsync();
}
