using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Secrets;

namespace MirrorGate.Api.AuthHelpers;

/// <summary>
/// Whether a refresh or session token is one this gateway already holds an account for: imported into the pool (the
/// admin APIs, the token files) or sent as a bearer before. Such a token must not be exchanged by the auth helpers:
/// both kinds rotate (research §1.2, §1.3), so spending it behind the account's grain revokes the account's copy, or
/// makes the upstream treat the grain's next refresh as a replay and revoke the whole token family. The helpers
/// refuse these tokens rather than route them through the account: handing the account's current access token to
/// whoever shows an old token would give a pooled account away. Only tokens the gateway received are known; a successor
/// the upstream issued to an account's grain is stored encrypted and not indexed, so it is not recognised here.
/// </summary>
public sealed class PooledTokenGuard(AccountOnboarding onboarding, SecretProtector protector, IGrainFactory grains)
{
    public async Task<bool> IsHeldAsync(string token, bool refreshToken)
    {
        if (await onboarding.ImportedAccountIdAsync(new Secret(token)) is not null)
        {
            return true;
        }

        var hash = protector.LookupHash(token);
        var bearerAccount = refreshToken ? AccountIds.ForRefreshTokenHash(hash) : AccountIds.ForSessionTokenHash(hash);
        return await grains.GetGrain<IAccountGrain>(bearerAccount).GetSnapshotAsync() is not null;
    }
}
