namespace MirrorGate.Api.Platform.Accounting;

/// <summary>
/// The caller of a ledger route, through the <see cref="IPlatformCallerResolver"/> seam. The resolver is the rbac
/// feature's (sessions, API keys); a node without one registered has no logged-in callers, so every ledger route
/// answers <c>请先登录</c> rather than failing to start.
/// </summary>
public static class PlatformLogin
{
    public static async ValueTask<PlatformCaller?> CallerAsync(HttpContext context) =>
        context.RequestServices.GetService<IPlatformCallerResolver>() is { } resolver ? await resolver.ResolveAsync(context) : null;
}
