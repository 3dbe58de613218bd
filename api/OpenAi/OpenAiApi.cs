using MirrorGate.Api.Auth;
using MirrorGate.Api.Channels;
using MirrorGate.Api.Files;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.Images;
using MirrorGate.Api.Responses;
using MirrorGate.Api.Speech;
using MirrorGate.Grains.Models;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// Maps the OpenAI-compatible API under <c>/v1</c> (or <c>/{MIRROR_API_PREFIX}/v1</c>). Every route
/// resolves the bearer first; a refused bearer is answered in OpenAI's error shape.
/// </summary>
public static class OpenAiApi
{
    /// <summary>Created time reported for every model, as Aurora reports it.</summary>
    private const long ModelCreated = 1685474247;

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        var settings = routes.ServiceProvider.GetRequiredService<IOptions<GatewayApiOptions>>().Value;
        var prefix = string.IsNullOrEmpty(settings.MirrorApiPrefix) ? "/v1" : $"/{settings.MirrorApiPrefix}/v1";
        var api = routes.MapGroup(prefix).InFamily(ApiFamily.OpenAi).AddEndpointFilter(async (context, next) =>
        {
            if (!context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<GatewayApiOptions>>().CurrentValue.EnableMirrorApi)
            {
                return OpenAiErrors.Result(StatusCodes.Status403Forbidden, "The mirror API is turned off on this gateway (ENABLE_MIRROR_API=false).", "mirror_api_disabled");
            }

            var resolution = await context.HttpContext.RequestServices.GetRequiredService<BearerResolver>().ResolveAsync(context.HttpContext.Request);
            if (resolution.Caller is null)
            {
                return OpenAiErrors.Result(resolution.Status, resolution.Error!, resolution.Code);
            }

            // A platform key is billed per token from its org's wallet, which only the channel relay does (LlmBilling).
            if (resolution.Caller.Kind is CallerKind.Platform && !PlatformBillable(context.HttpContext.Request))
            {
                return OpenAiErrors.Result(StatusCodes.Status403Forbidden, "Platform API keys may use chat completions, completions, embeddings, responses and models only.", "endpoint_not_allowed");
            }

            context.HttpContext.Items[typeof(Caller)] = resolution.Caller;
            if (Observability.RequestRecord.Of(context.HttpContext) is { } record)
            {
                record.User = resolution.Caller.UserName ?? resolution.Caller.PlatformUserId;
            }

            using var scope = context.HttpContext.RequestServices.GetRequiredService<CallerLogScope>().Begin(resolution.Caller);
            return await next(context);
        });

        // A model a channel serves goes to the channel, byte for byte; any other to the ChatGPT web path.
        api.MapPost("/chat/completions", async (HttpContext context, ChannelRelay channels, ChatCompletionsHandler handler) =>
        {
            var caller = (Caller)context.Items[typeof(Caller)]!;
            return await channels.HandleChatAsync(context, caller, () => handler.HandleAsync(context, caller)) ?? Results.Empty;
        });
        api.MapPost("/completions", async (HttpContext context, ChannelRelay channels) =>
            await channels.HandleAsync(context, (Caller)context.Items[typeof(Caller)]!, ChannelEndpoint.Completions) ?? Results.Empty);
        api.MapPost("/embeddings", async (HttpContext context, ChannelRelay channels) =>
            await channels.HandleAsync(context, (Caller)context.Items[typeof(Caller)]!, ChannelEndpoint.Embeddings) ?? Results.Empty);
        api.MapPost("/responses", async (HttpContext context, ChannelRelay channels, ResponsesHandler responses) =>
        {
            var caller = (Caller)context.Items[typeof(Caller)]!;
            return await channels.HandleOrWebAsync(context, caller, ChannelEndpoint.Responses, () => responses.CreateAsync(context, caller)) ?? Results.Empty;
        });
        api.MapGet("/responses/{id}", (HttpContext context, string id, ResponseReader responses) =>
            responses.GetAsync(id, (Caller)context.Items[typeof(Caller)]!, context.RequestAborted));

        api.MapSpeech();
        api.MapFiles();
        api.MapImages();
        routes.MapImageLinks(prefix);

        // The union of the account catalog and the models the channels' usable keys serve.
        api.MapGet("/models", (ModelCatalog models, ChannelPool channels) => Results.Json(new
        {
            @object = "list",
            data = models.All.Select(m => m.Id).Union(channels.Models().Order(StringComparer.Ordinal), StringComparer.Ordinal)
                .Select(id => new { id, @object = "model", created = ModelCreated, owned_by = models.TryGet(id, out _) ? "openai" : "mirrorgate" }),
        }));

        // Any other path or method under the prefix: OpenAI's "Invalid URL" in its error shape, which the
        // SDKs show as such, instead of an empty 404 or 405. Literal routes above always win over this.
        api.Map("/{**path}", (HttpContext context) => OpenAiErrors.Result(StatusCodes.Status404NotFound,
            $"Invalid URL ({context.Request.Method} {context.Request.Path}).", null));
        return routes;
    }

    private static readonly string[] BillableRoutes = ["/chat/completions", "/completions", "/embeddings", "/responses", "/models"];

    private static bool PlatformBillable(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || request.Path.Value!.EndsWith("/models", StringComparison.Ordinal))
        && BillableRoutes.Any(r => request.Path.Value!.EndsWith(r, StringComparison.Ordinal));
}
