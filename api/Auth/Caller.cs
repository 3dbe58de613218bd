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

    /// <summary>The caller's own upstream credential (<see cref="CallerKind.Direct"/>).</summary>
    public UpstreamCredential? Credential { get; private init; }

    public static Caller Pool { get; } = new(CallerKind.Pool);

    public static Caller ForUser(string userName, string accountId) => new(CallerKind.User) { UserName = userName, AccountId = accountId };

    public static Caller ForAccount(string accountId) => new(CallerKind.Account) { AccountId = accountId };

    public static Caller ForCredential(UpstreamCredential credential) => new(CallerKind.Direct) { Credential = credential };

    /// <summary>A name for logs; never a token.</summary>
    public string LogId => Kind switch
    {
        CallerKind.Pool => "pool",
        CallerKind.User => "user:" + UserName,
        CallerKind.Account => AccountId!,
        _ => Credential!.LogId,
    };
}

public enum CallerKind
{
    /// <summary>The service key: any pooled account.</summary>
    Pool,

    /// <summary>A user token (mirror or login token): that user's limits, that token's account.</summary>
    User,

    /// <summary>A refresh or session token sent as the bearer: an account of its own, outside the pool.</summary>
    Account,

    /// <summary>A raw access token or a device id: used as given, nothing stored.</summary>
    Direct,
}
