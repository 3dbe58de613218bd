namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// One upstream ChatGPT account (key: <see cref="AccountIds"/>): its credentials, plan, state and per-model
/// cool-downs. Its single activation serialises renewal: a refresh token is spent at most once, and a rotated
/// refresh or session token is stored before the new access token leaves the grain. Every change is pushed to
/// every node's pool.
/// </summary>
[Alias("mg.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Merges the given credentials into the account (tokens not given keep their stored values; use counts,
    /// cool-downs and an operator's disable are kept), checks them upstream (token exchange and account check)
    /// and stores the result.
    /// </summary>
    Task<AccountResult> RegisterAsync(AccountRegistration registration);

    /// <summary>
    /// Registers only if the account was never registered, else returns it as it is. Used for accounts made
    /// from a refresh or session token sent as a bearer: concurrent first requests must not each spend the
    /// (possibly single-use) token.
    /// </summary>
    Task<AccountResult> EnsureRegisteredAsync(AccountRegistration registration);

    /// <summary>The account as the pool and the admin API see it; null when it was never registered.</summary>
    Task<AccountSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Returns credentials with a usable access token. Renews when the token is expired or about to be, or when
    /// <paramref name="rejectedAccessToken"/> is the current token (the upstream answered 401 to it); when several
    /// callers report the same rejected token, only the first causes a renewal.
    /// </summary>
    Task<CredentialResult> GetCredentialAsync(string? rejectedAccessToken = null);

    /// <summary>Records a 429: the account cools down for <paramref name="model"/> (or for every model when null) until then.</summary>
    Task ReportRateLimitedAsync(string? model, TimeSpan clearsIn);

    /// <summary>Marks the account expired (the upstream keeps refusing it) with the reason.</summary>
    Task ReportUnauthorizedAsync(string reason);

    /// <summary>Takes the account out of service (or back in) by an operator's decision.</summary>
    Task SetDisabledAsync(bool disabled, string? reason);
}
