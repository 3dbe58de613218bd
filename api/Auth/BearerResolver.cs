using MirrorGate.Api.Hooks;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Platform;
using MirrorGate.Api.Platform.Dapi;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Secrets;
using MirrorGate.Grains.Tokens;
using MirrorGate.Grains.Users;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.Proxies;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Auth;

/// <summary>
/// The one place a bearer value becomes a <see cref="Caller"/>. Accepted forms (Aurora and
/// chatgpt-gateway): the service key; <c>&lt;service-key&gt; &lt;token&gt;</c>; a MirrorGate user token
/// (<c>mg-…</c>, mirror or login); a raw access token, refresh token, session token or device UUID,
/// each optionally followed by <c>,&lt;team-account-id&gt;</c>. A Team workspace may also come from the
/// <c>ChatGPT-Account-ID</c> header (or <c>Team-Account-ID</c>, <c>X-ChatGPT-Account-ID</c>), which wins.
/// A user token's tag is checked before its index is asked, so a forged <c>mg-…</c> costs no grain and no read. An
/// activation code is an <c>mg-…</c> token too, or an operator's own code (any other printable value that is not a
/// ChatGPT token), which costs one index read to find. A bearer that lookup does not find, and that is no ChatGPT
/// credential where it arrives, is asked about at the operator's OAuth hook when one is configured
/// (<see cref="OAuthHook"/>); so is a code that hook vouched for, once its check is due. A 元境 platform API key works
/// too, with or without a service key configured (its app's address allow-list applies). A user token's or code's record
/// is read from this node's copy when it has one (<see cref="TokenRecordCache"/>); its expiry and OAuth check are
/// still judged on every request.
/// </summary>
public sealed class BearerResolver(
    IOptionsMonitor<GatewayApiOptions> options,
    SecretProtector protector,
    UserTokens userTokens,
    BearerKeys keys,
    TokenRecordCache records,
    GrainReferences grains,
    OAuthHook oauth,
    DownApiKeys platformKeys,
    ProxyPool proxies,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private static readonly string[] TeamHeaders = ["ChatGPT-Account-ID", "Team-Account-ID", "X-ChatGPT-Account-ID"];

    public async ValueTask<BearerResolution> ResolveAsync(HttpRequest request)
    {
        var settings = options.CurrentValue;
        var value = BearerValue(request.Headers.Authorization.ToString());
        var serviceKey = settings.ServiceKey;
        var rawTokensAllowed = string.IsNullOrEmpty(serviceKey);
        if (value.Length == 0)
        {
            return rawTokensAllowed && settings.AllowPoolWithoutKey
                ? BearerResolution.Ok(Caller.Pool)
                : BearerResolution.Refuse("Missing bearer token: send 'Authorization: Bearer <key or token>'.");
        }

        if (!string.IsNullOrEmpty(serviceKey))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            if (BearerHeader.SecretEquals(space < 0 ? value : value[..space], serviceKey))
            {
                if (space < 0)
                {
                    return BearerResolution.Ok(Caller.Pool);
                }

                value = value[(space + 1)..].Trim();
                rawTokensAllowed = true;
            }
        }

        var comma = value.IndexOf(',', StringComparison.Ordinal);
        var token = comma < 0 ? value : value[..comma].Trim();
        var team = TeamHeader(request) ?? (comma < 0 ? null : value[(comma + 1)..].Trim() is { Length: > 0 } t ? t : null);

        if (token.StartsWith(UserTokens.Prefix, StringComparison.Ordinal))
        {
            return await ResolveUserTokenAsync(token);
        }

        // A 元境 downstream API key (32 hex digits, docs/platform.md) is looked up first; one that is not found goes on
        // as any other value of its shape (an operator's own activation code may look the same).
        if (DownApiKeys.LooksLikeApiKey(token) && await platformKeys.ResolveBearerAsync(token, ClientAddress.Of(request.HttpContext)) is { } platform)
        {
            return BearerResolution.Ok(Caller.ForPlatform(platform.UserId, platform.OrgId));
        }

        // An activation code an operator brought from another system may look like anything but a ChatGPT token. A
        // long one has a refresh token's shape: it is looked up only where a raw token is not allowed anyway (behind
        // a service key), so that raw refresh-token callers pay no extra read.
        var shape = BearerShape.Classify(token);
        if ((shape is BearerKind.Unknown or BearerKind.DeviceId || (shape is BearerKind.RefreshToken && !rawTokensAllowed)) && ActivationCodeShape(token))
        {
            if (await RecordAsync(token) is { Kind: UserTokenKind.ActivationCode } code)
            {
                return code.RecheckAt is { } due && due <= time.GetUtcNow() && oauth.Enabled
                    ? FromOAuth(await oauth.RecheckAsync(token, code), token)
                    : ForRecord(code, token);
            }

            // Unknown here and no ChatGPT credential in this mode (behind a service key, refresh tokens and device ids
            // are refused anyway): the operator's own system may know it.
            if (oauth.Enabled && (shape is BearerKind.Unknown || !rawTokensAllowed) && !token.StartsWith("eyJ", StringComparison.Ordinal))
            {
                return FromOAuth(await oauth.SignInAsync(token), token);
            }
        }

        if (!rawTokensAllowed)
        {
            return BearerResolution.Refuse("Invalid key. With a service key configured, send 'Bearer <service-key>' or 'Bearer <service-key> <token>'.");
        }

        return shape switch
        {
            BearerKind.AccessToken => ResolveAccessToken(token, team),
            BearerKind.DeviceId => BearerResolution.Ok(Caller.ForCredential(new UpstreamCredential("device:" + token[..8], null, token, team, ProxyFor("device:", token)))),
            BearerKind.RefreshToken => await ResolveRenewableAsync(AccountIds.ForRefreshTokenHash(protector.LookupHash(token)), new AccountRegistration(null, new Secret(token), null, team, JoinPool: false)),
            BearerKind.SessionToken => await ResolveRenewableAsync(AccountIds.ForSessionTokenHash(protector.LookupHash(token)), new AccountRegistration(null, null, new Secret(token), team, JoinPool: false)),
            _ => BearerResolution.Refuse("The bearer value is not a key, token or device id this gateway knows."),
        };
    }

    private async ValueTask<BearerResolution> ResolveUserTokenAsync(string token)
    {
        // A value in the memo passed this check before (BearerKeys), and the check gives the same answer every time.
        if (!keys.TryGet(token, out _) && !userTokens.IsGenuine(token))
        {
            return BearerResolution.Refuse("The mirror token is unknown or was revoked.");
        }

        var record = await RecordAsync(token);
        return record is null
            ? BearerResolution.Refuse("The mirror token is unknown or was revoked.")
            : ForRecord(record, token);
    }

    /// <summary>The token's record: this node's copy, else its grain's answer (a record found is copied, see <see cref="TokenRecordCache"/>).</summary>
    private async ValueTask<TokenRecord?> RecordAsync(string token)
    {
        var key = keys.IndexKey(token);
        if (records.TryGet(key, out var copy))
        {
            return copy;
        }

        var generation = records.Generation;
        var record = await grains.Get<ITokenGrain>(key).ResolveAsync();
        if (record is not null)
        {
            records.Remember(key, record, generation);
        }

        return record;
    }

    /// <summary>The user a token record names; the operator's hooks are shown the bearer, or the OAuth hook's forcetoken for it.</summary>
    private BearerResolution ForRecord(TokenRecord record, string token) =>
        record.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow()
            ? BearerResolution.Refuse($"The activation code expired at {expiresAt:u}.", "activation_code_expired")
            : BearerResolution.Ok(Caller.ForUser(record.UserName, record.AccountId, record.Plan, record.HookToken ?? new Secret(token), record.PreferredPlan));

    private BearerResolution FromOAuth(OAuthVerdict verdict, string token) =>
        verdict.Record is { } record ? ForRecord(record, token)
        : BearerResolution.Refuse(verdict.Refusal!, verdict.Unavailable ? "oauth_unavailable" : "oauth_refused");

    /// <summary>What may be looked up as an operator's own activation code: printable, of a sane length.</summary>
    private static bool ActivationCodeShape(string token) =>
        token.Length is >= ActivationCodeRules.MinLength and <= ActivationCodeRules.MaxLength && ActivationCodeRules.IsPrintable(token);

    private BearerResolution ResolveAccessToken(string token, string? team)
    {
        if (AccessTokenClaims.TryParse(token, out var claims) && claims.ExpiresAt <= time.GetUtcNow())
        {
            return BearerResolution.Refuse("The access token has expired.", "token_expired");
        }

        var hash = protector.LookupHash(token);
        // A caller's own token has no account grain: its proxy is picked from the pool here, stable per token.
        return BearerResolution.Ok(Caller.ForCredential(new UpstreamCredential("at:" + hash[..12], token, DeviceIdFor(hash), team, ProxyFor("at:", hash))));
    }

    private async ValueTask<BearerResolution> ResolveRenewableAsync(string accountId, AccountRegistration registration)
    {
        var result = await grains.Get<IAccountGrain>(accountId).EnsureRegisteredAsync(registration);
        return result.Succeeded
            ? BearerResolution.Ok(Caller.ForAccount(accountId))
            : result.Error is AccountError.UpstreamUnavailable
                ? BearerResolution.Refuse(result.Message!, "upstream_unavailable", StatusCodes.Status502BadGateway)
                : BearerResolution.Refuse(result.Message ?? "The token was refused upstream.", "invalid_token");
    }

    /// <summary>The pool proxy of a caller's own credential, keyed like an account id; nothing is built when there is no pool.</summary>
    private string? ProxyFor(string kind, string key) => proxies.IsEmpty ? null : proxies.AssignedTo(kind + key);

    /// <summary>Aurora also accepts the bare value without the scheme.</summary>
    private static string BearerValue(string header) => BearerHeader.Token(header) ?? header.Trim();

    private static string? TeamHeader(HttpRequest request)
    {
        foreach (var name in TeamHeaders)
        {
            if (request.Headers[name].ToString() is { Length: > 0 } value)
            {
                return value.Trim();
            }
        }

        return null;
    }

    /// <summary>A stable device id per access token, so one client's requests look like one browser.</summary>
    private static string DeviceIdFor(string hash) => new Guid(Convert.FromHexString(hash.AsSpan(0, 32))).ToString();
}
