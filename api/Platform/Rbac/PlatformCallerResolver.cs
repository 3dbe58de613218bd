using MirrorGate.Api.Platform.Dapi;

namespace MirrorGate.Api.Platform.Rbac;

/// <summary>
/// Who calls a <c>.dspy</c> route (research D.2/D.3): <c>Authorization: Bearer</c> with a session token (<c>mgps-…</c>)
/// or a downstream API key, <c>Authorization: Deerer {appid}-:-{cyber}</c>, or else the session cookie. A request that
/// sends an <c>Authorization</c> header is judged by it alone: a bad header is not rescued by a cookie. The result is
/// kept on the request, so a route that asks twice costs one resolution.
/// </summary>
public sealed class PlatformCallerResolver(PlatformSessions sessions, DownApiKeys keys) : IPlatformCallerResolver
{
    private static readonly object ItemKey = new();

    public async ValueTask<PlatformCaller?> ResolveAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return (PlatformCaller?)known;
        }

        var caller = await ResolveOnceAsync(context);
        context.Items[ItemKey] = caller;
        return caller;
    }

    private async ValueTask<PlatformCaller?> ResolveOnceAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString().Trim();
        if (header.Length == 0)
        {
            return sessions.CookieToken(context) is { Length: > 0 } cookie ? await sessions.ResolveAsync(cookie) : null;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var value = space < 0 ? string.Empty : header[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return PlatformSessions.LooksLikeSessionToken(value) ? await sessions.ResolveAsync(value)
                : await keys.ResolveBearerAsync(value, ClientAddress.Of(context));
        }

        return scheme.Equals("Deerer", StringComparison.OrdinalIgnoreCase) ? await keys.ResolveDeererAsync(value, ClientAddress.Of(context)) : null;
    }
}
