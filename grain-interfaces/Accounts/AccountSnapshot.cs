using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>An immutable picture of an account: what the pool chooses by and the admin API shows. No secrets.</summary>
public sealed record AccountSnapshot(
    string AccountId,
    string? Email,
    string PlanType,
    AccountStatus Status,
    string? StatusReason,
    DateTimeOffset? StatusChangedAt,
    DateTimeOffset? RateLimitedUntil,
    DateTimeOffset? AccessTokenExpiresAt,
    string? TeamAccountId,
    bool CanRefresh,
    bool InPool,
    ImmutableDictionary<string, DateTimeOffset> Cooldowns)
{
    /// <summary>Stored version the snapshot was taken from; a cache keeps the highest it has seen.</summary>
    public long Revision { get; init; }

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
