using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Upstream.ChatGpt;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Registers an account from whatever token an operator has. A pooled account is keyed by its
/// e-mail, which a refresh or session token does not show, so this exchanges such a token first,
/// reads the e-mail from the new access token, and hands all current tokens (rotated ones included)
/// to that account's grain, which stores them.
/// </summary>
/// <remarks>
/// If the process died between the exchange and the grain's write, a rotated token would be lost;
/// the window is one grain call long and the operator sees the request fail.
/// </remarks>
public sealed class AccountOnboarding(IChatGptClient upstream, IGrainFactory grains, TimeProvider time)
{
    public async Task<AccountResult> OnboardAsync(AccountRegistration registration, CancellationToken cancellationToken)
    {
        var (accessToken, refreshToken, sessionToken) = (registration.AccessToken, registration.RefreshToken, registration.SessionToken);
        string? sessionEmail = null;
        if (accessToken is null || !AccessTokenClaims.TryParse(accessToken, out var current) || current.ExpiresAt <= time.GetUtcNow())
        {
            if (refreshToken is not null)
            {
                var refreshed = await upstream.RefreshAsync(refreshToken, registration.ProxyUrl, cancellationToken);
                if (!refreshed.IsSuccess)
                {
                    return UpstreamRefusal.ToResult(refreshed.Failure!);
                }

                (accessToken, refreshToken) = (refreshed.Value!.AccessToken, refreshed.Value.RefreshToken ?? refreshToken);
            }
            else if (sessionToken is not null)
            {
                var session = await upstream.ExchangeSessionTokenAsync(sessionToken, registration.ProxyUrl, cancellationToken);
                if (!session.IsSuccess)
                {
                    return UpstreamRefusal.ToResult(session.Failure!);
                }

                (accessToken, sessionToken, sessionEmail) = (session.Value!.AccessToken, session.Value.SessionToken ?? sessionToken, session.Value.Email);
            }
            else
            {
                return AccountResult.Fail(accessToken is null ? AccountError.MissingToken : AccountError.InvalidToken,
                    accessToken is null ? "Give an access token, a refresh token or a session token." : "The access token is invalid or has expired.");
            }
        }

        if (!AccessTokenClaims.TryParse(accessToken, out var claims))
        {
            return AccountResult.Fail(AccountError.InvalidToken, "The upstream returned an access token that is not a JWT.");
        }

        var accountId = (claims.Email ?? sessionEmail) is { } email ? AccountIds.ForEmail(email)
            : claims.AccountId is { } upstreamId ? AccountIds.ForUpstreamAccountId(upstreamId)
            : null;
        if (accountId is null)
        {
            return AccountResult.Fail(AccountError.InvalidToken, "The access token names neither an e-mail nor an account id.");
        }

        return await grains.GetGrain<IAccountGrain>(accountId).RegisterAsync(
            registration with { AccessToken = accessToken, RefreshToken = refreshToken, SessionToken = sessionToken });
    }
}
