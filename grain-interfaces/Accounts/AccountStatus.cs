namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>Whether an account can serve requests, and if not, why.</summary>
[Alias("mg.AccountStatus")]
public enum AccountStatus
{
    /// <summary>Serves requests (models cooling down excepted).</summary>
    Active,

    /// <summary>No valid access token and no way to get one (refresh failed, or only an expired access token).</summary>
    Expired,

    /// <summary>The upstream limited the whole account (not one model) until a time.</summary>
    RateLimited,

    /// <summary>Taken out of service by an operator.</summary>
    Disabled,

    /// <summary>The upstream deactivated the account.</summary>
    Banned,
}
