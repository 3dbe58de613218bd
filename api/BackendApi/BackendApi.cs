using MirrorGate.Api.Auth;

namespace MirrorGate.Api.BackendApi;

/// <summary>Maps the ChatGPT <c>/backend-api</c> pass-through routes.</summary>
public static class BackendApi
{
    public static IEndpointRouteBuilder MapBackendApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/backend-api/conversation", async (HttpContext context, BearerResolver bearer, CallerLogScope logScope, ConversationPassthrough passthrough) =>
        {
            var resolution = await bearer.ResolveAsync(context.Request);
            if (resolution.Caller is null)
            {
                return BackendErrors.Result(resolution.Status, resolution.Error!, resolution.Code);
            }

            using var scope = logScope.Begin(resolution.Caller);
            return await passthrough.HandleAsync(context, resolution.Caller) ?? Results.Empty;
        });
        return routes;
    }
}
