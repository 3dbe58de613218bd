using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Auth;

/// <summary><c>GET /api/auth/session</c>: next-auth session cookie → access token (research §1.3).</summary>
internal sealed class SessionEndpoint(
    SessionTokenBook sessions,
    CallCounter calls,
    SimulatorOptions options,
    ILogger<SessionEndpoint> logger)
{
    public const string CookieName = "__Secure-next-auth.session-token";

    // next-auth's default session age.
    private static readonly TimeSpan SessionAge = TimeSpan.FromDays(30);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/auth/session", (HttpContext context, SessionEndpoint endpoint) => endpoint.Handle(context));

    private IResult Handle(HttpContext context)
    {
        var cookie = ReadCookie(context.Request);
        var (record, accessToken, next) = cookie is null ? (null, null, null) : sessions.Exchange(cookie);
        calls.Record(SimEndpoints.AuthSession, record?.Email);
        if (record is null || accessToken is null || next is null)
        {
            // A dead or anonymous session is not an error upstream: it is an empty session object.
            SimLog.SessionDead(logger, record?.Email);
            return SimJson.Result(new JsonObject());
        }

        var account = record.Account;
        var now = options.TimeProvider.GetUtcNow();
        var expires = now + SessionAge;
        context.Response.Headers.Append(
            "Set-Cookie",
            $"{CookieName}={next}; Path=/; Expires={expires.ToString("R", CultureInfo.InvariantCulture)}; HttpOnly; Secure; SameSite=Lax");
        return SimJson.Result(new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["id"] = account.UserId,
                ["name"] = account.Email.Split('@')[0],
                ["email"] = account.Email,
                ["image"] = "https://s.gravatar.com/avatar/sim.png",
                ["picture"] = "https://s.gravatar.com/avatar/sim.png",
                ["idp"] = "auth0",
                ["iat"] = now.ToUnixTimeSeconds(),
                ["mfa"] = false,
                ["groups"] = new JsonArray(),
                ["intercom_hash"] = Base64UrlText.RandomChars(32),
            },
            ["expires"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["accessToken"] = accessToken,
            ["authProvider"] = "auth0",
        });
    }

    /// <summary>The cookie, or its <c>.0</c>/<c>.1</c>… chunks joined (next-auth splits large cookies).</summary>
    private static string? ReadCookie(HttpRequest request)
    {
        var whole = request.Cookies[CookieName];
        if (!string.IsNullOrEmpty(whole))
        {
            return whole;
        }

        var chunks = Enumerable.Range(0, 8)
            .Select(i => request.Cookies[$"{CookieName}.{i}"])
            .TakeWhile(chunk => !string.IsNullOrEmpty(chunk));
        var joined = string.Concat(chunks);
        return joined.Length == 0 ? null : joined;
    }
}
