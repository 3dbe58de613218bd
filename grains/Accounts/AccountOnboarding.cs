using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Secrets;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Registers an account from whatever token an operator has. A pooled account is keyed by its e-mail: a fresh
/// access token shows it, so everything goes straight to that account's grain; a refresh or session token does
/// not, so it goes to the onboarding grain of that token, which spends it once and hands the result on. No token
/// is spent outside a grain.
/// </summary>
public sealed class AccountOnboarding(IGrainFactory grains, SecretProtector protector, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    public async Task<AccountResult> OnboardAsync(AccountRegistration registration)
    {
        if (!registration.HasToken)
        {
            return AccountResult.Fail(AccountError.MissingToken, "Give an access token, a refresh token or a session token.");
        }

        if (registration.AccessToken is { } access && AccessTokenClaims.TryParse(access.Value, out var claims) && claims.ExpiresAt > time.GetUtcNow()
            && AccountIdOf(access.Value, email: null) is { } accountId)
        {
            return await grains.GetGrain<IAccountGrain>(accountId).RegisterAsync(registration);
        }

        if ((registration.RefreshToken ?? registration.SessionToken) is not { } spent)
        {
            return AccountResult.Fail(AccountError.InvalidToken, registration.AccessToken is null
                ? "Give an access token, a refresh token or a session token."
                : "The access token is invalid or has expired, and there is no refresh or session token to renew it.");
        }

        return await grains.GetGrain<IAccountOnboardingGrain>(protector.LookupHash(spent.Value)).OnboardAsync(registration with { AccessToken = null });
    }

    /// <summary>The account a refresh or session token was already imported into, if any; spends nothing.</summary>
    public Task<string?> ImportedAccountIdAsync(Secret spent) =>
        grains.GetGrain<IAccountOnboardingGrain>(protector.LookupHash(spent.Value)).GetImportedAccountIdAsync();

    /// <summary>The account key an access token (or a session exchange's e-mail) names, if any.</summary>
    internal static string? AccountIdOf(string accessToken, string? email) =>
        !AccessTokenClaims.TryParse(accessToken, out var claims) ? null
        : (claims.Email ?? email) is { } address ? AccountIds.ForEmail(address)
        : claims.AccountId is { } upstreamId ? AccountIds.ForUpstreamAccountId(upstreamId)
        : null;
}
