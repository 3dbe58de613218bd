namespace MirrorGate.Api.Pool;

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

    /// <summary>How often this node renews its subscription to account changes and tells the others its load.</summary>
    /// <value>2 seconds by default.</value>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often this node reads every pooled account again, the safety net under pushed changes.</summary>
    /// <value>1 minute by default.</value>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Another node's reported load counts in this node's choice for this long after the report.</summary>
    /// <value>10 seconds by default.</value>
    public TimeSpan LoadHintLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long this node reuses an account's access token without asking the account's grain again (while the
    /// pool's snapshot shows the same token expiry and the account usable). Zero asks the grain on every request.
    /// </summary>
    /// <value>1 minute by default.</value>
    public TimeSpan CredentialReuse { get; set; } = TimeSpan.FromMinutes(1);
}
