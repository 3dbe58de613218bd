using System.Text.Json.Nodes;
using MirrorGate.SimHosting;

namespace MirrorGate.OpenAiSim;

/// <summary>Builds the simulator's web application: the <c>/v1</c> API and the <c>/_sim/</c> control endpoints.</summary>
internal static class OpenAiSimApp
{
    public static WebApplication Build(OpenAiSimOptions options, string[] args, bool standalone)
    {
        var builder = SimHost.CreateBuilder(typeof(OpenAiSimApp), args, standalone);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SimState>();
        var app = builder.Build();
        SimEndpoints.Map(app);
        MapControl(app);
        return app;
    }

    /// <summary>The switches of a standalone run, over HTTP (no authentication: loopback only).</summary>
    private static void MapControl(WebApplication app)
    {
        app.MapPost("/_sim/keys", async (HttpContext context, SimState state) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var key = body?["key"]?.GetValue<string>();
            if (string.IsNullOrEmpty(key))
            {
                return Results.BadRequest(new { message = "give 'key'" });
            }

            state.AddKey(key);
            return Results.Json(new { message = "ok" });
        });
        app.MapPost("/_sim/faults", async (HttpContext context, SimState state) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var key = body?["key"]?.GetValue<string>();
            if (string.IsNullOrEmpty(key) || !Enum.TryParse<OpenAiFaultKind>(body!["kind"]?.GetValue<string>(), ignoreCase: true, out var kind))
            {
                return Results.BadRequest(new { message = "give 'key' and 'kind' (" + string.Join(", ", Enum.GetNames<OpenAiFaultKind>()) + ")" });
            }

            state.AddFault(key, new OpenAiFault(
                kind,
                body["status_code"]?.GetValue<int>() ?? 0,
                body["retry_after"]?.GetValue<int>(),
                body["reset_requests"]?.GetValue<string>(),
                body["reset_tokens"]?.GetValue<string>(),
                body["model"]?.GetValue<string>(),
                body["times"]?.GetValue<int>(),
                TimeSpan.FromMilliseconds(body["delay_ms"]?.GetValue<int>() ?? 0),
                body["after_chunks"]?.GetValue<int>() ?? 0));
            return Results.Json(new { message = "ok" });
        });
        app.MapDelete("/_sim/faults/{key}", (string key, SimState state) =>
        {
            state.ClearFaults(key);
            return Results.Json(new { message = "ok" });
        });
        app.MapPost("/_sim/release", (SimState state) =>
        {
            state.Release();
            return Results.Json(new { message = "ok" });
        });

        // Keys are shown by their last four characters only: call records are for counting, not for harvesting keys.
        app.MapGet("/_sim/calls", (SimState state) => Results.Json(state.Calls(null).Select(c => new
        {
            key = c.Key.Length > 4 ? "…" + c.Key[^4..] : "…",
            path = c.Path,
            model = c.Model,
            stream = c.Stream,
            status = c.Status,
        })));
    }
}
