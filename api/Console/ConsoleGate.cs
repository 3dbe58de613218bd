using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>
/// Lets a console session through the admin APIs (<c>/api/*</c>, <c>/adminapi/*</c>, the dashboard): both roles
/// read, only <c>admin</c> changes; a change must carry the session's CSRF token in <see cref="CsrfHeader"/> and, when
/// the browser sends one, an <c>Origin</c> of this very host. Requests with the APIs' own secrets never get here.
/// </summary>
public sealed class ConsoleGate(ConsoleSessionCodec codec, IOptionsMonitor<ConsoleOptions> options)
{
    public const string CsrfHeader = "X-CSRF-Token";
    public const string AuthenticationType = "MirrorGateConsole";

    /// <summary>The request's console session, if its cookie holds a valid one.</summary>
    public ConsoleSession? SessionOf(HttpContext context) => codec.Decode(context.Request.Cookies[options.CurrentValue.CookieName]);

    public bool HasCookie(HttpContext context) => context.Request.Cookies.ContainsKey(options.CurrentValue.CookieName);

    /// <summary>Checks the request's console session and, when it is allowed, sets <c>HttpContext.User</c> from it.</summary>
    public ConsoleAccess Authorize(HttpContext context)
    {
        if (!HasCookie(context))
        {
            return ConsoleAccess.NoSession;
        }

        if (SessionOf(context) is not { } session)
        {
            return ConsoleAccess.Refused(StatusCodes.Status401Unauthorized, "The console session has expired or is invalid: sign in again at /console.");
        }

        var access = Check(context, session);
        if (access.Kind is ConsoleAccessKind.Allowed)
        {
            context.User = Principal(session);
        }

        return access;
    }

    /// <summary>
    /// The one rule for what a valid session may do with this request, shared by the admin filters and the dashboard's
    /// access rule (<see cref="DashboardAccess"/>): a read is allowed to both roles; a change needs the CSRF token and a same-site origin, and
    /// the admin role unless the endpoint is marked <see cref="ReadsOnly"/> (a POST that only reads).
    /// </summary>
    public ConsoleAccess Check(HttpContext context, ConsoleSession session)
    {
        if (ConsoleRoles.IsSafe(context.Request.Method))
        {
            return ConsoleAccess.Allowed;
        }

        if (CrossSite(context, session) is { } refusal)
        {
            return ConsoleAccess.Refused(StatusCodes.Status403Forbidden, refusal);
        }

        return session.Role == ConsoleRoles.Admin || context.GetEndpoint()?.Metadata.GetMetadata<ReadsOnly>() is not null
            ? ConsoleAccess.Allowed
            : ConsoleAccess.Refused(StatusCodes.Status403Forbidden, "The operator role is read-only: sign in as admin to change anything.");
    }

    /// <summary>Why a state-changing cookie request looks cross-site (no or wrong CSRF token, a foreign Origin); null when it does not.</summary>
    public string? CrossSite(HttpContext context) => CrossSite(context, SessionOf(context));

    private string? CrossSite(HttpContext context, ConsoleSession? session)
    {
        if (session is null || !codec.CsrfMatches(session, context.Request.Headers[CsrfHeader].ToString()))
        {
            return $"Missing or wrong CSRF token: a change made with the console session must send the {CsrfHeader} header from GET /console/session.";
        }

        return SameOrigin(context) ? null : "Cross-origin request refused: the Origin header names another site than this gateway.";
    }

    /// <summary>
    /// A missing <c>Origin</c> passes (the CSRF token is the real check); a present one must name this host and port. The
    /// scheme is not compared: behind a TLS-terminating proxy the gateway itself sees plain HTTP.
    /// </summary>
    public static bool SameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", StripDefaultPort(context.Request), StringComparison.OrdinalIgnoreCase);
    }

    public static ClaimsPrincipal Principal(ConsoleSession session) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, session.Name), new Claim(ClaimTypes.Role, session.Role)], AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    private static string StripDefaultPort(HttpRequest request)
    {
        var host = request.Host;
        return host.Port is 80 or 443 ? host.Host : host.Value ?? string.Empty;
    }
}
