using System.Security.Cryptography;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Secrets;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Rbac;

/// <summary>
/// Login sessions. A session token is <c>mgps-</c> + 32 random bytes (base64url) + a keyed tag of them, so a forged
/// token is refused without a grain call; the session grain is keyed by the token's lookup hash, so the token is stored
/// nowhere. The same token works as the HttpOnly cookie and as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class PlatformSessions(IGrainFactory grains, SecretProtector protector, IOptionsMonitor<RbacOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    public const string Prefix = "mgps-";
    private const int BodyLength = 43;
    private const int TagLength = 22;

    public static bool LooksLikeSessionToken(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Starts a session for <paramref name="user"/>; returns the token (shown once, to the user who logged in).</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> StartAsync(PlatformUser user)
    {
        var body = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = Prefix + body + protector.Tag(body);
        var now = time.GetUtcNow();
        var expiresAt = now + options.CurrentValue.SessionLifetime;
        await grains.GetGrain<IPlatformSessionGrain>(protector.LookupHash(token)).StartAsync(new PlatformSession(user.Id, user.OrgId, user.Username, now, expiresAt));
        return (token, expiresAt);
    }

    /// <summary>The session's caller; null for a forged, unknown, ended or expired token.</summary>
    public async ValueTask<PlatformCaller?> ResolveAsync(string token)
    {
        if (!IsGenuine(token))
        {
            return null;
        }

        var session = await grains.GetGrain<IPlatformSessionGrain>(protector.LookupHash(token)).GetAsync(time.GetUtcNow());
        return session is null ? null : new PlatformCaller(session.UserId, session.OrgId, session.Username);
    }

    public async Task EndAsync(string token)
    {
        if (IsGenuine(token))
        {
            await grains.GetGrain<IPlatformSessionGrain>(protector.LookupHash(token)).EndAsync();
        }
    }

    /// <summary>
    /// Sets the session cookie, with <c>Max-Age</c> rather than <c>Expires</c>: relative to the browser's clock, so a
    /// client whose clock is off does not drop the cookie early (the session's end is decided here anyway).
    /// </summary>
    public void SetCookie(HttpContext context, string token, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(options.CurrentValue.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = expiresAt - time.GetUtcNow(),
        });

    public void DeleteCookie(HttpContext context) => context.Response.Cookies.Delete(options.CurrentValue.CookieName, new CookieOptions { Path = "/" });

    public string? CookieToken(HttpContext context) => context.Request.Cookies[options.CurrentValue.CookieName];

    private bool IsGenuine(string token) =>
        token.Length == Prefix.Length + BodyLength + TagLength && LooksLikeSessionToken(token)
        && protector.VerifyTag(token.AsSpan(Prefix.Length, BodyLength), token.AsSpan(Prefix.Length + BodyLength));
}
