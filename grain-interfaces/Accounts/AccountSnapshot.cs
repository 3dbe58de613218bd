using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>An immutable picture of an account: what the pool chooses by and the admin API shows. No secrets.</summary>
[GenerateSerializer, Immutable, Alias("mg.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string? Email,
    [property: Id(2)] string PlanType,
    [property: Id(3)] AccountStatus Status,
    [property: Id(4)] string? StatusReason,
    [property: Id(5)] DateTimeOffset? StatusChangedAt,
    [property: Id(6)] DateTimeOffset? RateLimitedUntil,
    [property: Id(7)] DateTimeOffset? AccessTokenExpiresAt,
    [property: Id(8)] string? TeamAccountId,
    [property: Id(9)] bool CanRefresh,
    [property: Id(10)] bool InPool,
    [property: Id(11)] ImmutableDictionary<string, DateTimeOffset> Cooldowns)
{
    /// <summary>Stored version the snapshot was taken from; a node's pool keeps the highest it has seen.</summary>
    [Id(12)]
    public long Revision { get; init; }

    /// <summary>
    /// How the account renews, in SoruxGPT's words: <c>rt</c> with a refresh token, <c>rc</c> with a session token
    /// (the session cookie), <c>at</c> with neither (an access token only).
    /// </summary>
    [Id(13)]
    public string? CredentialMode { get; init; }

    /// <summary>Whether the account may take a request for <paramref name="model"/> at <paramref name="now"/>, plan aside.</summary>
    public bool IsAvailable(string model, DateTimeOffset now) =>
        (Status == AccountStatus.Active || (Status == AccountStatus.RateLimited && RateLimitedUntil <= now))
        && !(Cooldowns.TryGetValue(model, out var until) && until > now);

    /// <summary>When the cool-down for <paramref name="model"/> (or the whole-account limit) ends, if one is running.</summary>
    public DateTimeOffset? CoolingUntil(string model, DateTimeOffset now)
    {
        DateTimeOffset? result = Status == AccountStatus.RateLimited && RateLimitedUntil > now ? RateLimitedUntil : null;
        if (Cooldowns.TryGetValue(model, out var until) && until > now && (result is null || until > result))
        {
            result = until;
        }

        return result;
    }
}
