namespace MirrorGate.Api.Platform;

/// <summary>
/// Who is calling a <c>.dspy</c> route: a platform user of an org (the customer org that wallets, orders and API keys
/// belong to). Resolved from a session (cookie or bearer session token), a downstream API key (<c>Bearer</c>), or a
/// signed <c>Deerer</c> value — research D.2/D.3. Carries no secret, so it may be logged.
/// </summary>
public sealed record PlatformCaller(string UserId, string OrgId, string Username);

/// <summary>Resolves the caller of a platform request, or null when the request carries no valid credential.</summary>
public interface IPlatformCallerResolver
{
    ValueTask<PlatformCaller?> ResolveAsync(HttpContext context);
}

public static class PlatformCallers
{
    /// <summary>The original's answer to a route that needs a login (bricks' UiError: "please log in").</summary>
    public const string LoginRequired = "请先登录";
}
