using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Models;

/// <summary><c>GET {prefix}/models</c> and <c>POST /backend-api/conversation/init</c> (research §4.1, §4.4).</summary>
internal sealed class ModelEndpoints(CallerResolver callers, SimulatorOptions options)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/backend-api/models", (HttpContext context, ModelEndpoints endpoints) => endpoints.Models(context, anonymous: false));
        app.MapGet("/backend-anon/models", (HttpContext context, ModelEndpoints endpoints) => endpoints.Models(context, anonymous: true));
        app.MapPost("/backend-api/conversation/init", (HttpContext context, ModelEndpoints endpoints) => endpoints.Init(context));
    }

    private IResult Models(HttpContext context, bool anonymous)
    {
        var (_, error) = callers.Resolve(context, SimEndpoints.Models, anonymous);
        return error ?? SimJson.Result(ModelCatalog.Body(anonymous));
    }

    private IResult Init(HttpContext context)
    {
        var (_, error) = callers.Resolve(context, SimEndpoints.ConversationInit, anonymous: false);
        if (error is not null)
        {
            return error;
        }

        var resetAfter = (options.TimeProvider.GetUtcNow() + TimeSpan.FromDays(30)).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        return SimJson.Result(new JsonObject
        {
            ["type"] = "conversation_detail_metadata",
            ["banner_info"] = null,
            ["blocked_features"] = new JsonArray(),
            ["model_limits"] = new JsonArray(),
            ["limits_progress"] = new JsonArray(
                Limit("deep_research", 25, resetAfter),
                Limit("file_upload", 80, resetAfter),
                Limit("image_gen", 4, resetAfter)),
            ["default_model_slug"] = "auto",
            ["atlas_mode_enabled"] = null,
        });
    }

    private static JsonObject Limit(string feature, int remaining, string resetAfter) =>
        new() { ["feature_name"] = feature, ["remaining"] = remaining, ["reset_after"] = resetAfter };
}
