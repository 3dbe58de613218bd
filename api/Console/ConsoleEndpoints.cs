using MirrorGate.Api.Admin;
using MirrorGate.Api.Http;
using MirrorGate.Api.Platform;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>
/// <c>/console</c>: the single-page console (embedded files) and its session — <c>POST /console/session</c> signs in,
/// <c>GET</c> says who is signed in and gives the CSRF token, <c>DELETE</c> signs out. Errors are <c>{"message"}</c>,
/// as in the admin set the console mostly drives. Everything else the console shows comes from the documented admin APIs.
/// </summary>
public static partial class ConsoleEndpoints
{
    /// <summary>Self only, no inline script or style, no framing: the console shows secrets' last digits and changes money.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        var console = routes.MapGroup("/console").InFamily(ApiFamily.Admin);
        console.MapPost("/session", SignInAsync);
        console.MapGet("/session", GetSession);
        console.MapDelete("/session", SignOut);

        // "/console" also matches "/console/" (routing ignores a trailing slash); the page's <base href> makes both work.
        console.MapGet(string.Empty, (HttpContext context, ConsoleAssets assets) => Serve(context, assets, "index.html"));
        console.MapGet("/{**path}", (string? path, HttpContext context, ConsoleAssets assets) => Serve(context, assets, string.IsNullOrEmpty(path) ? "index.html" : path));
        return routes;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, JsonBodyReader reader, ConsolePasswords passwords, ConsoleSessionCodec codec, ConsoleSignInLimiter limiter, IOptionsMonitor<ConsoleOptions> options, ILoggerFactory loggers)
    {
        if (!ConsoleGate.SameOrigin(context))
        {
            return AdminResults.Error(StatusCodes.Status403Forbidden, "Cross-origin sign-in refused: the Origin header names another site than this gateway.");
        }

        var address = ClientAddress.Of(context)?.ToString() ?? "unknown";
        if (limiter.RetryAfter(address) is { } wait)
        {
            RetryAfter.Set(context.Response, wait);
            return AdminResults.Error(StatusCodes.Status429TooManyRequests, $"Too many failed sign-ins from this address: try again in {Math.Ceiling(wait.TotalSeconds)} seconds.");
        }

        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "password", required: true, out var password, out var error)
            || !JsonFields.TryString(body, "name", required: false, out var name, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        name = name?.Trim();
        if (name is { Length: > 40 } || (name is not null && name.Any(char.IsControl)))
        {
            return AdminResults.BadRequest("Invalid value for 'name': at most 40 printable characters (it names you in the audit log).");
        }

        if (passwords.RoleOf(password!) is not { } role)
        {
            limiter.Failed(address);
            LogSignInFailed(loggers.CreateLogger("MirrorGate.Api.Console"), address);
            return AdminResults.Error(StatusCodes.Status401Unauthorized, "Wrong password: use the admin password, or the operator password for read-only access.");
        }

        var session = codec.Start(string.IsNullOrEmpty(name) ? role : name, role);
        context.Response.Cookies.Append(options.CurrentValue.CookieName, codec.Encode(session), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = options.CurrentValue.SessionLifetime,
        });
        return Results.Json(SessionJson(session, codec));
    }

    private static IResult GetSession(HttpContext context, ConsoleGate gate, ConsoleSessionCodec codec) =>
        gate.SessionOf(context) is { } session
            ? Results.Json(SessionJson(session, codec))
            : AdminResults.Error(StatusCodes.Status401Unauthorized, "Not signed in.");

    private static IResult SignOut(HttpContext context, ConsoleGate gate, IOptionsMonitor<ConsoleOptions> options)
    {
        if (gate.SessionOf(context) is not null && gate.CrossSite(context) is { } refusal)
        {
            return AdminResults.Error(StatusCodes.Status403Forbidden, refusal);
        }

        context.Response.Cookies.Delete(options.CurrentValue.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
        return Results.Json(new { message = "signed out" });
    }

    private static object SessionJson(ConsoleSession session, ConsoleSessionCodec codec) => new
    {
        name = session.Name,
        role = session.Role,
        expires_at = session.ExpiresAt,
        csrf_token = codec.CsrfToken(session),
    };

    private static IResult Serve(HttpContext context, ConsoleAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"No console file '{path}'.");
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // File names carry no version, so the browser revalidates every time; an unchanged file costs a 304.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in with a wrong password from {Address}")]
    private static partial void LogSignInFailed(ILogger logger, string address);
}
