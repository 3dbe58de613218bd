using Microsoft.Extensions.Options;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Files;

namespace MirrorGate.Api.Images;

/// <summary>
/// <c>POST /v1/images/generations</c> inside the OpenAI group, and the signed image links outside it: a link is opened
/// by browsers and <c>&lt;img&gt;</c> tags without a bearer, so its signature is its authority (<see cref="ImageLinks"/>).
/// A link that was not made here or was edited answers 404; an expired one 403.
/// </summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImages(this RouteGroupBuilder api)
    {
        api.MapPost("/images/generations", (HttpContext context, ImagesHandler handler) => handler.GenerateAsync(context, (Caller)context.Items[typeof(Caller)]!));
        return api;
    }

    /// <summary>Maps <c>GET {prefix}/v1/images/content/{id}</c>; a literal route, so it wins over the group's catch-all.</summary>
    public static IEndpointRouteBuilder MapImageLinks(this IEndpointRouteBuilder routes, string apiPrefix)
    {
        routes.MapGet(apiPrefix + ImageLinks.PathSegment + "{id}", ServeAsync).InFamily(ApiFamily.OpenAi);
        return routes;
    }

    private static async Task<IResult> ServeAsync(HttpContext context, string id, ImageLinks links, ConversationDispatcher dispatcher, IChatGptFiles files,
        ModelCatalog models, IOptionsMonitor<ImagesOptions> options, IOptionsMonitor<GatewayApiOptions> gateway)
    {
        if (!gateway.CurrentValue.EnableMirrorApi)
        {
            return OpenAiErrors.Result(StatusCodes.Status403Forbidden, "The mirror API is turned off on this gateway (ENABLE_MIRROR_API=false).", "mirror_api_disabled");
        }

        var (source, problem) = links.Read(id, context.Request.Query["expires"], context.Request.Query["sig"]);
        if (source is null)
        {
            return problem is LinkProblem.Expired
                ? OpenAiErrors.Result(StatusCodes.Status403Forbidden, "This image link has expired; generate the image again.", "link_expired")
                : OpenAiErrors.Result(StatusCodes.Status404NotFound, "No such image.", "image_not_found");
        }

        if (!models.TryGet(options.CurrentValue.AccountModel, out var model))
        {
            return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, $"The model '{options.CurrentValue.AccountModel}' that images run on is not in this gateway's catalog.", "model_not_found");
        }

        var caller = source.AccountId is null
            ? Caller.ForCredential(new UpstreamCredential("image-link", source.AccessToken, Guid.NewGuid().ToString(), source.TeamAccountId))
            : Caller.Pool;
        var (image, _, failure) = await dispatcher.CallAsync(caller, model, source.AccountId,
            (credential, ct) => files.DownloadAsync(credential, source.AssetPointer, source.ConversationId, ct), context.RequestAborted);
        if (image is null)
        {
            return OpenAiErrors.From(failure!);
        }

        context.Response.Headers.CacheControl = "private, max-age=300";
        return Results.Bytes(image.Bytes, image.ContentType ?? "image/png");
    }
}
