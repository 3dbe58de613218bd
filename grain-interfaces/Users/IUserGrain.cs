using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// One end user of the mirror API (key: <c>user_name</c>): model limits, session isolation, the
/// user's tokens, and the use counts behind <c>/api/get-user-use-count</c>.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user or replaces its limits and isolation setting.</summary>
    Task<UserSnapshot> ConfigureAsync(UserSettings settings);

    Task<UserSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// Returns the user's token of <paramref name="kind"/> for <paramref name="accountId"/>, creating it
    /// once. The same (user, account, kind) always gets the same token until the user logs out.
    /// </summary>
    Task<string> GetOrCreateTokenAsync(string accountId, UserTokenKind kind);

    /// <summary>Revokes every token of the user; later requests with them are refused.</summary>
    Task LogoutAsync();

    /// <summary>
    /// Takes one use of <paramref name="model"/> under the user's limit for it. Limits are sliding
    /// windows and hold across nodes. A granted reservation is given back with
    /// <see cref="ReleaseAsync"/> if the request fails.
    /// </summary>
    Task<LimitDecision> TryReserveAsync(string model);

    /// <summary>Gives back a use whose request failed.</summary>
    Task ReleaseAsync(LimitReservation reservation);


    /// <summary>Requests served today (server's local day).</summary>
    Task<long> GetUseCountTodayAsync();
}
