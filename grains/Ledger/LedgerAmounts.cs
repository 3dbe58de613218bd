namespace MirrorGate.Grains.Ledger;

/// <summary>
/// Money in the ledger is an integer count of millionths of a yuan: exact in SQLite (which has no decimal type and
/// would store REAL) and PostgreSQL alike. Prices are quoted to 2 places (research D.7) and token prices per
/// million tokens reach 0.000001, so six places lose nothing the pricing programs produce.
/// </summary>
public static class LedgerAmounts
{
    public const long PerUnit = 1_000_000;

    /// <summary>The amount in millionths; false when it has more than six decimal places or does not fit.</summary>
    public static bool TryToMicros(decimal amount, out long micros)
    {
        micros = 0;
        var scaled = amount * PerUnit;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue / 4 || scaled < long.MinValue / 4)
        {
            return false;
        }

        micros = (long)scaled;
        return true;
    }

    public static decimal FromMicros(long micros) => micros / (decimal)PerUnit;
}
