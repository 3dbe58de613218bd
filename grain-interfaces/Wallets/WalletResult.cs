namespace MirrorGate.GrainInterfaces.Wallets;

/// <summary>What a wallet step did, and the spendable balance after it.</summary>
[GenerateSerializer, Immutable, Alias("mg.WalletResult")]
public sealed record WalletResult([property: Id(0)] WalletOutcome Outcome, [property: Id(1)] decimal Balance)
{
    /// <summary>The step is in the ledger: done now, or by an earlier call with the same key.</summary>
    public bool Succeeded => Outcome is WalletOutcome.Done or WalletOutcome.AlreadyDone;
}

[Alias("mg.WalletOutcome")]
public enum WalletOutcome
{
    /// <summary>Written now.</summary>
    Done,

    /// <summary>Written before under the same key; nothing changed this time.</summary>
    AlreadyDone,

    /// <summary>The balance would have dropped below the floor; nothing was written (<c>账户余额不够</c>).</summary>
    Insufficient,

    /// <summary>Settle or release of a key that holds nothing (never reserved).</summary>
    UnknownCharge,

    /// <summary>The charge was already ended the other way (settled when releasing, released when settling).</summary>
    AlreadyClosed,

    /// <summary>The amount is negative, zero where it may not be, or finer than the ledger's unit (0.000001).</summary>
    InvalidAmount,

    /// <summary>A recharge whose order does not exist, or whose order says another amount or org.</summary>
    OrderMismatch,

    /// <summary>A refund of an order that is not this wallet's settled charge (unknown, a recharge, or refunded under another key).</summary>
    NotRefundable,

    /// <summary>An adjustment's idempotency key was used before for another amount; nothing was written.</summary>
    KeyConflict,
}

/// <summary>A wallet's spendable balance and what is held for charges in flight.</summary>
[GenerateSerializer, Immutable, Alias("mg.WalletBalance")]
public sealed record WalletBalance([property: Id(0)] decimal Balance, [property: Id(1)] decimal Held);
