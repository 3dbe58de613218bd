using MirrorGate.Api.Http;
using Scalar.AspNetCore;

namespace MirrorGate.Api.ApiReference;

/// <summary>
/// The OpenAPI document of every route the gateway maps (<c>/openapi/v1.json</c>: the OpenAI-compatible API, the
/// admin sets <c>/api/*</c> and <c>/adminapi/*</c>, the 元境 platform's <c>*.dspy</c>, the gateway's own routes), built
/// by ASP.NET Core from the endpoints themselves, so a route added anywhere is in it; and a reference page at
/// <c>/scalar</c> served from the Scalar package's embedded script (no CDN, no web fonts, no telemetry). Both describe
/// routes only, never data: they are open like the API's own error messages, and can be turned off with
/// <c>OpenApi:Enabled=false</c>.
/// </summary>
public static class ApiReferenceEndpoints
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddApiReference(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            // The catch-all routes (each family's own 404 in its shape) are no operations to document.
            // Nor is the Orleans dashboard's own page and script.
            options.ShouldInclude = description => description.RelativePath is not { } path
                || (!path.Contains("{*", StringComparison.Ordinal) && !path.Contains("{path}", StringComparison.Ordinal) && !path.StartsWith("dashboard", StringComparison.Ordinal));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "MirrorGate";
                document.Info.Description = "The gateway's HTTP API: the OpenAI-compatible API (/v1), the ChatGPT pass-through (/backend-api), chatgpt-gateway's admin set (/api), SoruxGPT's SaaS admin set (/adminapi), the 元境 platform (*.dspy) and the gateway's own routes. See docs/ in the repository for each family's authentication and error shape.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // One tag per API family, so the reference page groups the routes the way the docs do.
                var family = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiFamilyMetadata>().FirstOrDefault()?.Family;
                operation.Tags = new HashSet<Microsoft.OpenApi.OpenApiTagReference> { new(family?.ToString() ?? "Gateway", null) };
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes)
    {
        if (!routes.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("OpenApi:Enabled", true))
        {
            return routes;
        }

        routes.MapOpenApi("/openapi/{documentName}.json").WithMetadata(Observability.NotInLiveView.Instance);
        routes.MapScalarApiReference("/scalar", options =>
        {
            options.Title = "MirrorGate API reference";
            options.DefaultFonts = false;
            options.Telemetry = false;
            options.OpenApiRoutePattern = "/openapi/{documentName}.json";
        }).WithMetadata(Observability.NotInLiveView.Instance);
        return routes;
    }
}
