using MirrorGate.Api.Admin;
using MirrorGate.Upstream.Proxies;

namespace MirrorGate.Api.Proxies;

/// <summary>
/// chatgpt-gateway's <c>GET /api/check-proxy</c> (its FAQ: "status 200 = ok"): probes the pool proxies now and
/// answers each one's health, passwords masked. <c>?proxy=host:port</c> (or the masked URL) checks one.
/// </summary>
/// <remarks>
/// A failing proxy answers 502 Bad Gateway, not 503: what failed is a hop beyond this gateway, which is itself
/// serving; 503 is what load balancers and clients read as "this node is unavailable, retry elsewhere", and a
/// node should not be taken out of rotation because one proxy of its pool is down.
/// </remarks>
public static class ProxyAdminApi
{
    /// <summary>Maps the route on the admin set's group; admin auth by header or by chatgpt-gateway's <c>?admin_password=</c>.</summary>
    public static void Map(RouteGroupBuilder family) =>
        family.MapGet("/check-proxy", CheckAsync)
            .AddEndpointFilter<AdminAuthFilter>()
            .WithMetadata(AdminPasswordInQuery.Instance);

    private static async Task<IResult> CheckAsync(HttpContext context, ProxyPool pool, ProxyChecker checker, string? proxy = null)
    {
        IEnumerable<ProxyEndpoint> endpoints = pool.Endpoints;
        if (!string.IsNullOrWhiteSpace(proxy))
        {
            var wanted = proxy.Trim();
            var match = pool.Endpoints.FirstOrDefault(e =>
                string.Equals(e.Authority, wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(e.Masked, wanted, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                return AdminResults.Error(StatusCodes.Status404NotFound, $"No pool proxy is '{wanted}'; name one as host:port (see the list without ?proxy=).");
            }

            endpoints = [match];
        }

        var results = await checker.CheckAsync(endpoints, context.RequestAborted);
        var ok = results.All(r => r.Ok);
        var body = new
        {
            ok,
            message = pool.IsEmpty ? "No proxy pool is configured (PROXY_URL_POOL): accounts without a proxy of their own connect directly." : null,
            proxies = results.Select(r => new
            {
                proxy = r.Endpoint.Masked,
                scheme = r.Endpoint.Scheme,
                host = r.Endpoint.Host,
                port = r.Endpoint.Port,
                ok = r.Ok,
                latency_ms = r.LatencyMs,
                error = r.Error,
                checked_at = r.CheckedAt,
            }),
        };
        return Results.Json(body, statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status502BadGateway);
    }
}
