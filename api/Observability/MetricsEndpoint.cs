using MirrorGate.Api.Auth;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Observability;

/// <summary><c>GET /metrics</c>: the Prometheus text format, for a scraper that passes <see cref="MetricsOptions"/>' checks.</summary>
public static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", ScrapeAsync).WithMetadata(NotInLiveView.Instance);
        return routes;
    }

    private static async Task ScrapeAsync(HttpContext context, GatewayMetrics metrics, IOptionsMonitor<MetricsOptions> options)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!Allowed(context, settings))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsync("Unauthorized: /metrics needs Metrics:Token as a bearer token, or a caller in Metrics:AllowedNetworks.\n");
            return;
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    internal static bool Allowed(HttpContext context, MetricsOptions settings)
    {
        if (!string.IsNullOrEmpty(settings.Token)
            && !BearerHeader.SecretEquals(BearerHeader.Token(context.Request.Headers.Authorization.ToString()) ?? string.Empty, settings.Token))
        {
            return false;
        }

        var networks = settings.Networks();
        if (networks.Length == 0)
        {
            return true;
        }

        // No address (an in-process test server, a Unix socket) matches no network.
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Array.Exists(networks, n => n.Contains(address));
    }
}
