namespace MirrorGate.Api.Hosting;

public static class RootEndpoints
{
    /// <summary>Aurora's liveness routes: <c>GET /</c> and <c>GET /ping</c>.</summary>
    public static IEndpointRouteBuilder MapRootEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/ping", () => Results.Json(new { message = "pong" }));
        routes.MapGet("/", () => Results.Text("MirrorGate is running. The OpenAI-compatible API is under /v1.\n"));
        return routes;
    }
}
