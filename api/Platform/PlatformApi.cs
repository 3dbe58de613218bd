using MirrorGate.Api.Http;
using MirrorGate.Api.Platform.Dapi;
using MirrorGate.Api.Platform.Rbac;
using MirrorGate.Api.Platform.Accounting;
using MirrorGate.Api.Platform.Orders;
using MirrorGate.Api.Platform.Pricing;
using MirrorGate.Api.Platform.Recharge;
using MirrorGate.Api.Platform.Video;

namespace MirrorGate.Api.Platform;

/// <summary>
/// The 元境 platform API (seed <c>003</c>): <c>*.dspy</c> routes in module folders (<c>/rbac</c>, <c>/dapi</c>,
/// <c>/accounting</c>, <c>/unipay</c>, <c>/pricing</c>, <c>/platformbiz</c>, <c>/llmage</c>). Each feature folder maps its
/// own routes here; every route takes GET and POST, since the original's scripts do not look at the method.
/// </summary>
public static class PlatformApi
{
    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder routes)
    {
        var platform = routes.MapGroup(string.Empty).InFamily(ApiFamily.Platform);
        platform.MapRbac();
        platform.MapDapi();
        platform.MapAccounting();
        platform.MapOrders();
        platform.MapPricing();
        platform.MapRecharge();
        platform.MapVideo();
        return routes;
    }

    /// <summary>Maps a <c>.dspy</c> route for GET and POST.</summary>
#pragma warning disable RDG002
    public static RouteHandlerBuilder MapDspy(this IEndpointRouteBuilder group, string path, Delegate handler) =>
        group.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], handler);
#pragma warning restore RDG002
}
