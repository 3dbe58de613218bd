using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Grains.Users;

/// <summary>What an operator set for the user, and the tokens handed out.</summary>
public sealed record UserState
{
    public ImmutableArray<ModelLimit> Limits { get; init; } = [];

    public bool IsolatedSession { get; init; } = true;

    public bool LoggedOut { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public ImmutableArray<UserToken> Tokens { get; init; } = [];

    /// <summary>What the operator's OAuth hook said about the user; null when it never signed the user in.</summary>
    public UserProfile? Profile { get; init; }
}

/// <summary>
/// A token or activation code handed to the user. The value is kept (encrypted) so the same token can be handed out
/// again; <paramref name="AccountId"/> is null for activation codes, which use the pool.
/// </summary>
public sealed record UserToken(string? AccountId, UserTokenKind Kind, Secret Value, string Hash, DateTimeOffset IssuedAt)
{
    /// <summary>Activation codes: the plan tier they allow.</summary>
    public string? Plan { get; init; }

    /// <summary>Activation codes: when they stop working; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Codes from the OAuth hook: the plan type the pool prefers for them.</summary>
    public string? PreferredPlan { get; init; }

    /// <summary>Codes from the OAuth hook: when the hook must be asked again.</summary>
    public DateTimeOffset? RecheckAt { get; init; }

    /// <summary>Codes from the OAuth hook: its <c>forcetoken</c>, shown to the operator's hooks in place of the code.</summary>
    public Secret? HookToken { get; init; }

    /// <summary>An API key from the OAuth hook: the index key of the bearer it was handed out with.</summary>
    public string? BoundTo { get; init; }
}

/// <summary>
/// The user's limit windows. Stored apart from <see cref="UserState"/>, so a grant writes only this small record, and
/// its size does not grow with the requests: a window is a few dozen counted slices, not a list of grants.
/// </summary>
public sealed record UserWindowsState
{
    /// <summary>Per limited model, the uses granted within the window, counted per slice of time (oldest first).</summary>
    public ImmutableDictionary<string, ImmutableArray<GrantSlice>> Slices { get; init; } = ImmutableDictionary<string, ImmutableArray<GrantSlice>>.Empty;

    /// <summary>
    /// Records stored before slices held one entry per grant here. Read so that an upgrade keeps every use granted
    /// (folded into <see cref="Slices"/> when the user is activated); never written again.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<Grant>>? Windows { get; init; }

    /// <summary>The last grant id handed out; ids are never reused, so a late release cannot return someone else's use.</summary>
    public long LastGrantId { get; init; }

    /// <summary>
    /// The request ids of the latest grants (at most <see cref="UserWindows.RecentGrants"/>), so that a request asked
    /// again after its answer was lost gets the use it was granted instead of a second one.
    /// </summary>
    public ImmutableArray<RecentGrant> Recent { get; init; } = [];

    /// <summary>Per model with a token or concurrency limit: the admitted requests not yet settled, and the tokens each reserved.</summary>
    public ImmutableDictionary<string, ImmutableArray<InFlightUse>> InFlight { get; init; } = ImmutableDictionary<string, ImmutableArray<InFlightUse>>.Empty;

    /// <summary>Per model with a token limit: tokens spent by settled requests, summed per second, for the last minute.</summary>
    public ImmutableDictionary<string, ImmutableArray<TokenSpend>> Spent { get; init; } = ImmutableDictionary<string, ImmutableArray<TokenSpend>>.Empty;

    /// <summary>Blocks of uses counted for nodes to hand out themselves, until their nodes give back what they did not use.</summary>
    public ImmutableArray<OpenLease> Leases { get; init; } = [];
}

/// <summary>
/// The uses granted from <paramref name="Start"/> (a slice boundary) to <paramref name="Last"/>, the latest of them: their
/// grant ids lie between <paramref name="FirstId"/> and <paramref name="LastId"/> (ids of other models' grants may lie
/// between too), and <paramref name="Count"/> of them still count. The slice leaves the window when its latest
/// grant does, so it never leaves early.
/// </summary>
public sealed record GrantSlice(DateTimeOffset Start, DateTimeOffset Last, long FirstId, long LastId, int Count)
{
    /// <summary>Grant ids of the slice given back (a failed request): giving one back twice returns nothing more.</summary>
    public ImmutableArray<long> Released { get; init; } = [];
}

/// <summary>One of the latest grants: the request it went to, the model's window and the grant id.</summary>
public sealed record RecentGrant(string RequestId, string Key, long GrantId);

/// <summary>A request admitted under a token or concurrency limit at <paramref name="At"/>, holding <paramref name="ReservedTokens"/> until settled.</summary>
public sealed record InFlightUse(long GrantId, string RequestId, int ReservedTokens, DateTimeOffset At);

/// <summary>A node's lease: <paramref name="Count"/> grants of window <paramref name="Key"/> from id <paramref name="LeaseId"/> on, counted at <paramref name="GrantedAt"/>.</summary>
public sealed record OpenLease(string Key, long LeaseId, int Count, DateTimeOffset GrantedAt);

/// <summary>Tokens spent by requests settled within the second starting at <paramref name="At"/>.</summary>
public sealed record TokenSpend(DateTimeOffset At, int Tokens);

/// <summary>One use granted at <paramref name="At"/> to the request <paramref name="RequestId"/> (records stored before slices).</summary>
public sealed record Grant(long Id, DateTimeOffset At, string? RequestId = null);
