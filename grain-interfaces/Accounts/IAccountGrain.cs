using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// One upstream ChatGPT account (key: <see cref="AccountIds"/>): its credentials, plan, state and
/// per-model cool-downs. It hands out a fresh access token, refreshing it at most once at a time,
/// under a lease, and saves a rotated refresh or session token before the new access token is used.
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets the account's credentials, checks them upstream (token exchange and account check) and
    /// stores the result. Tokens not given keep their stored values; use counts and cool-downs are kept.
    /// </summary>
    Task<AccountResult> RegisterAsync(AccountRegistration registration);

    /// <summary>
    /// Registers only if the account was never registered, else returns it as it is. Used for accounts
    /// made from a refresh or session token sent as a bearer: concurrent first requests must not each
    /// spend the (possibly single-use) token.
    /// </summary>
    Task<AccountResult> EnsureRegisteredAsync(AccountRegistration registration);

    /// <summary>The account as the pool and the admin API see it; null when it was never registered.</summary>
    Task<AccountSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Returns credentials with a usable access token. Refreshes when the token is expired or about to
    /// be, or when <paramref name="rejectedAccessToken"/> is the current token (the upstream answered 401
    /// to it); when several callers report the same rejected token, only the first causes a refresh.
    /// </summary>
    Task<CredentialResult> GetCredentialAsync(string? rejectedAccessToken = null);

    /// <summary>Records a 429: the account cools down for <paramref name="model"/> (or for every model when null) until then.</summary>
    Task ReportRateLimitedAsync(string? model, TimeSpan clearsIn);

    /// <summary>Marks the account expired (the upstream keeps refusing it) with the reason.</summary>
    Task ReportUnauthorizedAsync(string reason);


    /// <summary>Requests per model in each of the last <paramref name="hours"/> clock hours (index 0 = the current hour).</summary>
    Task<IReadOnlyDictionary<string, long[]>> GetHourlyUseAsync(int hours);

    /// <summary>Takes the account out of service (or back in) by an operator's decision.</summary>
    Task SetDisabledAsync(bool disabled, string? reason);
}
