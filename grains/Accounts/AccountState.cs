using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.Grains.Accounts;

/// <summary>The stored account. Tokens are <see cref="Secret"/>s, so they are encrypted at rest and hidden from logs.</summary>
public sealed record AccountState
{
    public string? Email { get; init; }

    public string? UpstreamAccountId { get; init; }

    public Secret? AccessToken { get; init; }

    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    public Secret? RefreshToken { get; init; }

    public Secret? SessionToken { get; init; }

    public string? TeamAccountId { get; init; }

    public string? ProxyUrl { get; init; }

    /// <summary>The account's own <c>Oai-Device-Id</c>, fixed at first registration.</summary>
    public string DeviceId { get; init; } = string.Empty;

    public string PlanType { get; init; } = "free";

    public AccountStatus Status { get; init; }

    public string? StatusReason { get; init; }

    public DateTimeOffset? StatusChangedAt { get; init; }

    public DateTimeOffset? RateLimitedUntil { get; init; }

    /// <summary>Per-model cool-downs from the upstream's 429 <c>clears_in</c>.</summary>
    public ImmutableDictionary<string, DateTimeOffset> Cooldowns { get; init; } = ImmutableDictionary<string, DateTimeOffset>.Empty;

    public bool InPool { get; init; }

    public DateTimeOffset? LastRefreshedAt { get; init; }

    /// <summary>When a renewal of this account was last attempted (success or not).</summary>
    public DateTimeOffset? LastRenewalAttemptAt { get; init; }

    /// <summary>
    /// Set, and stored, before a refresh or session token is spent: the fence that keeps a second activation of
    /// this account (during a membership change) from spending the same token. Cleared when the outcome is stored.
    /// </summary>
    public RenewalClaim? Renewal { get; init; }

    public bool CanRefresh => RefreshToken is not null || SessionToken is not null;
}

/// <summary>An activation's claim on spending <paramref name="RefreshToken"/> (else <paramref name="SessionToken"/>).</summary>
public sealed record RenewalClaim(string ClaimId, DateTimeOffset At, Secret? RefreshToken, Secret? SessionToken);
