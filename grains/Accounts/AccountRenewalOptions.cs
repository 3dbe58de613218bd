namespace MirrorGate.Grains.Accounts;

/// <summary>When accounts renew their access tokens ahead of use (configuration section <c>Accounts</c>).</summary>
public sealed class AccountRenewalOptions
{
    public const string SectionName = "Accounts";

    /// <summary>An access token this close to expiry is renewed: at once when it is used, or by the account's timer or reminder.</summary>
    /// <value>15 minutes by default.</value>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a pooled account's reminder looks at it (Orleans allows no less than a minute). Shorter than <see cref="RenewBefore"/>.</summary>
    /// <value>5 minutes by default.</value>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an expired pooled account that still holds a refresh or session token is tried again.</summary>
    /// <value>1 hour by default.</value>
    public TimeSpan ExpiredProbeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a stored renewal claim keeps other activations from spending the account's token. It must outlast
    /// a whole token exchange (ChatGpt:RequestTimeout), since nothing can take back an exchange once it has spent
    /// a refresh token.
    /// </summary>
    /// <value>3 minutes by default.</value>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(3);
}
