using MirrorGate.Api.Auth;
using MirrorGate.Api.Http;

namespace MirrorGate.Api.BackendApi;

/// <summary>Maps the ChatGPT <c>/backend-api</c> pass-through routes.</summary>
public static class BackendApi
{
    public static IEndpointRouteBuilder MapBackendApi(this IEndpointRouteBuilder routes)
    {
        var backend = routes.MapGroup("/backend-api").InFamily(ApiFamily.Backend);
        backend.MapPost("/conversation", async (HttpContext context, BearerResolver bearer, CallerLogScope logScope, ConversationPassthrough passthrough) =>
        {
            var resolution = await bearer.ResolveAsync(context.Request);
            if (resolution.Caller is null)
            {
                return BackendErrors.Result(resolution.Status, resolution.Error!, resolution.Code);
            }

            // A platform key pays per token from its wallet, which only the channel relay bills (LlmBilling).
            if (resolution.Caller.Kind is CallerKind.Platform)
            {
                return BackendErrors.Result(StatusCodes.Status403Forbidden, "Platform API keys may use the /v1 channel endpoints only.", "endpoint_not_allowed");
            }

            using var scope = logScope.Begin(resolution.Caller);
            return await passthrough.HandleAsync(context, resolution.Caller) ?? Results.Empty;
        });

        backend.MapGet("/conversations", (HttpContext context, BearerResolver bearer, IGrainFactory grains) =>
            WithCallerAsync(context, bearer, caller => ConversationReads.ListAsync(context, caller, grains)));
        backend.MapGet("/conversation/{id}", (HttpContext context, string id, BearerResolver bearer, IGrainFactory grains) =>
            WithCallerAsync(context, bearer, caller => ConversationReads.GetAsync(id, caller, grains)));

        // Any other path or method under the pass-through: a 404 in the backend's shape.
        backend.Map("/{**path}", (HttpContext context) =>
            BackendErrors.Result(StatusCodes.Status404NotFound, $"Not found ({context.Request.Method} {context.Request.Path}).", "not_found"));
        return routes;
    }

    private static async Task<IResult> WithCallerAsync(HttpContext context, BearerResolver bearer, Func<Caller, Task<IResult>> handle)
    {
        var resolution = await bearer.ResolveAsync(context.Request);
        return resolution.Caller is null ? BackendErrors.Result(resolution.Status, resolution.Error!, resolution.Code) : await handle(resolution.Caller);
    }
}
