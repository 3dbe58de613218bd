using MirrorGate.GrainInterfaces.Secrets;
using Orleans.Concurrency;

namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// One end user of the mirror API (key: <c>user_name</c>): model limits, session isolation and the user's
/// tokens. Limit windows live here: one activation decides every grant, and every grant is stored before it is
/// answered, so windows are exact across the cluster and survive a node's death. The limit calls interleave
/// (<see cref="AlwaysInterleaveAttribute"/>): each decides in one turn of the activation, and concurrent grants
/// share one state write.
/// </summary>
[Alias("mg.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user or replaces its limits and isolation setting.</summary>
    Task<UserSnapshot> ConfigureAsync(UserSettings settings);

    Task<UserSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Returns the user's token of <paramref name="kind"/> for <paramref name="accountId"/>, creating it once. The
    /// same (user, account, kind) always gets the same token until the user logs out.
    /// </summary>
    Task<string> GetOrCreateTokenAsync(string accountId, UserTokenKind kind);

    /// <summary>
    /// Issues an activation code for the user (creating the user, unlimited, if it does not exist), or gives an
    /// existing code of the user new terms. A code another user holds is refused.
    /// </summary>
    Task<ActivationCodeIssue> IssueActivationCodeAsync(string code, ActivationCodeTerms terms);

    /// <summary>
    /// Makes a bearer the operator's OAuth hook vouched for an activation code of this user (creating the user), or
    /// renews it: stores the hook's profile, and its API key as another code of the user, bound to the bearer (an
    /// API key the hook no longer names is revoked). Refused when the bearer is another user's credential.
    /// </summary>
    Task<OAuthSignInResult> SignInWithOAuthAsync(OAuthSignIn signIn);

    /// <summary>Revokes a code the OAuth hook vouched for and the API keys bound to it (the hook refused it).</summary>
    Task EndOAuthSignInAsync(string userToken);

    /// <summary>
    /// The bearer to ask the OAuth hook about when a credential's check is due: the credential itself, or for an API
    /// key the bearer it is bound to. Null when the user holds no such OAuth credential.
    /// </summary>
    Task<Secret?> GetOAuthUserTokenAsync(string credentialHash);

    /// <summary>Revokes one of the user's activation codes; false when the user has no such code.</summary>
    Task<bool> RevokeActivationCodeAsync(string code);

    /// <summary>Stores that the user logged out, then revokes every token of the user.</summary>
    Task LogoutAsync();

    /// <summary>
    /// Takes one use of <paramref name="model"/> under the user's limit for it (sliding windows). A granted
    /// reservation is given back with <see cref="ReleaseAsync"/> if the request fails.
    /// </summary>
    /// <param name="catalogued">Whether the model is one the gateway offers; an unknown name is refused for a user with limits.</param>
    /// <param name="requestId">
    /// The request's idempotency key: asking again with it (after a reply lost to a silo that stopped) returns the
    /// use already granted to it instead of taking another.
    /// </param>
    [AlwaysInterleave]
    Task<LimitDecision> TryReserveAsync(string model, bool catalogued, string requestId);

    /// <summary>
    /// <see cref="TryReserveAsync"/> for a request whose token use is estimated up front (prompt estimate plus its
    /// maximum output): a tokens-per-minute limit reserves <paramref name="estimatedTokens"/> until the request is
    /// settled, and a concurrency limit holds a slot until then.
    /// </summary>
    [AlwaysInterleave]
    Task<LimitDecision> TryAdmitAsync(string model, bool catalogued, string requestId, int estimatedTokens);

    /// <summary>
    /// Ends a successful request's use: frees its concurrency slot and replaces its token reservation by
    /// <paramref name="tokens"/>, the tokens the upstream reported. Settling twice changes nothing.
    /// </summary>
    [AlwaysInterleave]
    Task SettleAsync(LimitReservation reservation, int tokens);

    /// <summary>Gives back a use whose request failed (and its concurrency slot and token reservation).</summary>
    [AlwaysInterleave]
    Task ReleaseAsync(LimitReservation reservation);

    /// <summary>
    /// Counts a block of uses of a model with a request limit (and no token or concurrency limit) for a node to hand
    /// out itself, after giving back what the node's previous lease left unused. The block is at most half of what
    /// is left in the window (at least one), so other nodes keep room; uses the node never hands out come back when
    /// it returns the lease, or leave with the window when the node is gone.
    /// </summary>
    [AlwaysInterleave]
    Task<LimitLease> LeaseAsync(LeaseRequest request);

    /// <summary>Gives back the uses a node's lease left unused (the node stopped asking for the model). Returning twice gives nothing more.</summary>
    [AlwaysInterleave]
    Task ReturnLeaseAsync(LeaseReturn returned);
}
