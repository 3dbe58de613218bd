using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Storage;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.Proxies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Accounts;

public sealed record AccountOnboardingState
{
    /// <summary>Set and stored before the token is spent: a second activation finds it and spends nothing.</summary>
    public DateTimeOffset? ClaimedAt { get; init; }

    public string? ClaimId { get; init; }

    /// <summary>What the exchange returned, stored before any use; cleared once the account's grain holds them.</summary>
    public Secret? AccessToken { get; init; }

    public Secret? RefreshToken { get; init; }

    public Secret? SessionToken { get; init; }

    /// <summary>The account the token belongs to, once known.</summary>
    public string? AccountId { get; init; }

    public bool HandedOver { get; init; }
}

/// <inheritdoc cref="IAccountOnboardingGrain"/>
[GrainType("account-onboarding")]
public sealed partial class AccountOnboardingGrain(
    [PersistentState("account-onboarding")] IPersistentState<AccountOnboardingState> state,
    IChatGptClient upstream,
    ProxyPool proxies,
    IOptions<AccountRenewalOptions> renewalOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<AccountOnboardingGrain> logger) : Grain, IAccountOnboardingGrain, IRetainsUnsavedState
{
    private readonly string _claimId = Guid.NewGuid().ToString("N");
    private RetainedWrite? _retained;

    private RetainedWrite Retained => _retained ??= new RetainedWrite(this, logger, "Onboarding " + this.GetPrimaryKeyString()[..12]);

    public bool HasUnsavedState => _retained?.Pending ?? false;

    public async Task<AccountResult> OnboardAsync(AccountRegistration registration)
    {
        await Retained.RetryAsync(throwWhenDown: true);
        var s = state.State;
        if (s.HandedOver && s.AccountId is { } done)
        {
            // Spent by an earlier import: sending it upstream again would make the upstream revoke the account's
            // whole token family. Refuse it as the upstream would, saying where its successors are.
            return AccountResult.Fail(AccountError.InvalidToken, $"This token was already exchanged when account {done} was imported; its account holds the current tokens.");
        }

        if (s.AccessToken is null)
        {
            var exchanged = await ExchangeOnceAsync(registration);
            if (exchanged is not null)
            {
                return exchanged;
            }
        }

        return await HandOverAsync(registration);
    }

    public Task<string?> GetImportedAccountIdAsync() =>
        Task.FromResult(state.State is { HandedOver: true, AccountId: { } done } ? done : null);

    /// <summary>Spends the token under a stored claim and stores what came back; null when it did, else why not.</summary>
    private async Task<AccountResult?> ExchangeOnceAsync(AccountRegistration registration)
    {
        var now = time.GetUtcNow();
        if (state.State.ClaimId is { } held && held != _claimId && state.State.ClaimedAt + renewalOptions.Value.ClaimTimeout > now)
        {
            return AccountResult.Fail(AccountError.UpstreamUnavailable, "This token is being imported by another request right now; retry shortly.");
        }

        state.State = state.State with { ClaimId = _claimId, ClaimedAt = now };
        await state.WriteStateAsync();

        Secret? access;
        Secret? refresh = registration.RefreshToken;
        Secret? session = registration.SessionToken;
        string? email = null;
        if (registration.RefreshToken is { } refreshToken)
        {
            var refreshed = await upstream.RefreshAsync(refreshToken.Value, ExchangeProxy(registration), CancellationToken.None);
            if (!refreshed.IsSuccess)
            {
                await ReleaseClaimAsync();
                return UpstreamRefusal.ToResult(refreshed.Failure);
            }

            (access, refresh) = (new Secret(refreshed.Value.AccessToken), Secret.From(refreshed.Value.RefreshToken) ?? refresh);
        }
        else
        {
            var exchanged = await upstream.ExchangeSessionTokenAsync(session!.Value.Value, ExchangeProxy(registration), CancellationToken.None);
            if (!exchanged.IsSuccess)
            {
                await ReleaseClaimAsync();
                return UpstreamRefusal.ToResult(exchanged.Failure);
            }

            (access, session, email) = (new Secret(exchanged.Value.AccessToken), Secret.From(exchanged.Value.SessionToken) ?? session, exchanged.Value.Email);
        }

        var accountId = AccountOnboarding.AccountIdOf(access.Value.Value, email);
        if (accountId is null)
        {
            await ReleaseClaimAsync();
            return AccountResult.Fail(AccountError.InvalidToken, "The upstream returned an access token that names neither an e-mail nor an account id.");
        }

        await Retained.StoreAsync(async () =>
        {
            state.State = state.State with { AccessToken = access, RefreshToken = refresh, SessionToken = session, AccountId = accountId, ClaimId = null, ClaimedAt = null };
            await state.WriteStateAsync();
        });
        return null;
    }

    /// <summary>
    /// The first exchange happens before the account id is known, so a pool proxy is chosen by this grain's key (the
    /// token's import key); later calls use the account's own assignment (<c>AccountGrain.ProxyOf</c>).
    /// </summary>
    private string? ExchangeProxy(AccountRegistration registration) => registration.ProxyUrl ?? proxies.AssignedTo(this.GetPrimaryKeyString());

    /// <summary>Gives the stored tokens to the account's grain; once it holds them, this grain forgets them.</summary>
    private async Task<AccountResult> HandOverAsync(AccountRegistration registration)
    {
        var s = state.State;
        var result = await GrainFactory.GetGrain<IAccountGrain>(s.AccountId!).RegisterAsync(
            registration with { AccessToken = s.AccessToken, RefreshToken = s.RefreshToken, SessionToken = s.SessionToken });
        if (result.Succeeded)
        {
            state.State = new AccountOnboardingState { AccountId = s.AccountId, HandedOver = true };
            await state.WriteStateAsync();
            LogHandedOver(logger, s.AccountId!);
        }

        return result;
    }

    private async Task ReleaseClaimAsync()
    {
        state.State = state.State with { ClaimId = null, ClaimedAt = null };
        await state.WriteStateAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Retained.FlushAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported token handed over to account {AccountId}")]
    private static partial void LogHandedOver(ILogger logger, string accountId);
}
