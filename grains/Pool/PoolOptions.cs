namespace MirrorGate.Grains.Pool;

/// <summary>How requests are spread over accounts (configuration section <c>Pool</c>).</summary>
public sealed class PoolOptions
{
    public const string SectionName = "Pool";

    /// <summary>How many accounts one request may try before the first byte reaches the client.</summary>
    /// <value>3 by default.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Cool-down after a 429 that names no <c>clears_in</c>.</summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan DefaultCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Safety net for the shared in-flight count of an account: it is forgotten this long after its
    /// last change, so slots taken by a node that died (and never gave them back) stop skewing the
    /// choice once the account goes quiet. Longer than any one answer should take.
    /// </summary>
    /// <value>15 minutes by default.</value>
    public TimeSpan InFlightExpiry { get; set; } = TimeSpan.FromMinutes(15);
}
