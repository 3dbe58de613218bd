using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Auth;

/// <summary>Who is calling, once the bearer is resolved, and which accounts that allows.</summary>
public sealed record Caller
{
    private Caller(CallerKind kind) => Kind = kind;

    public CallerKind Kind { get; }

    /// <summary>The mirror-API user (<see cref="CallerKind.User"/>).</summary>
    public string? UserName { get; private init; }

    /// <summary>The one account this caller may use (<see cref="CallerKind.User"/> and <see cref="CallerKind.Account"/>).</summary>
    public string? AccountId { get; private init; }

    /// <summary>The plan tier the caller's credential allows (activation codes); null: whatever the accounts serve.</summary>
    public string? Plan { get; private init; }

    /// <summary>
    /// A user's own token as the operator's hooks are shown it (<c>Authorization: Bearer</c> of Audit and Notify): the
    /// bearer the user sent, or the OAuth hook's <c>forcetoken</c> for it. Prints as <c>***</c>.
    /// </summary>
    public Secret? UserToken { get; private init; }

    /// <summary>The plan type the account pool prefers for this caller (the OAuth hook's <c>priority</c>); null: none.</summary>
    public string? PreferredPlan { get; private init; }

    /// <summary>The 元境 platform user and org a downstream API key belongs to (<see cref="CallerKind.Platform"/>); what billing will charge.</summary>
    public string? PlatformUserId { get; private init; }

    /// <inheritdoc cref="PlatformUserId"/>
    public string? PlatformOrgId { get; private init; }

    /// <summary>The caller's own upstream credential (<see cref="CallerKind.Direct"/>).</summary>
    public UpstreamCredential? Credential { get; private init; }

    public static Caller Pool { get; } = new(CallerKind.Pool);

    /// <summary>A user: bound to <paramref name="accountId"/> (a mirror or login token), or using the pool within <paramref name="plan"/> (an activation code).</summary>
    public static Caller ForUser(string userName, string? accountId, string? plan = null, Secret? userToken = null, string? preferredPlan = null) =>
        new(CallerKind.User) { UserName = userName, AccountId = accountId, Plan = plan, UserToken = userToken, PreferredPlan = preferredPlan };

    public static Caller ForAccount(string accountId) => new(CallerKind.Account) { AccountId = accountId };

    public static Caller ForCredential(UpstreamCredential credential) => new(CallerKind.Direct) { Credential = credential };

    /// <summary>A platform user's downstream API key (docs/platform.md): the pool, attributed to that user and org.</summary>
    public static Caller ForPlatform(string userId, string orgId) => new(CallerKind.Platform) { PlatformUserId = userId, PlatformOrgId = orgId };

    /// <summary>A name for logs; never a token.</summary>
    public string LogId => Kind switch
    {
        CallerKind.Pool => "pool",
        CallerKind.User => "user:" + UserName,
        CallerKind.Account => AccountId!,
        CallerKind.Platform => "platform:" + PlatformUserId,
        _ => Credential!.LogId,
    };
}

public enum CallerKind
{
    /// <summary>The service key: any pooled account.</summary>
    Pool,

    /// <summary>A user token (mirror or login token: that token's account) or activation code (the pool): that user's limits.</summary>
    User,

    /// <summary>A refresh or session token sent as the bearer: an account of its own, outside the pool.</summary>
    Account,

    /// <summary>A raw access token or a device id: used as given, nothing stored.</summary>
    Direct,

    /// <summary>
    /// A 元境 platform user's downstream API key: any pooled account or channel, as the service key, attributed to the
    /// key's user and org (charging their wallet is to be wired with the ledger).
    /// </summary>
    Platform,
}
