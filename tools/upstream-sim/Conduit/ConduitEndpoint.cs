using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Conduit;

/// <summary><c>POST {prefix}/f/conversation/prepare</c> → <c>{status:"ok", conduit_token}</c>.</summary>
internal sealed class ConduitEndpoint(CallerResolver callers, ConduitStore conduits, ILogger<ConduitEndpoint> logger)
{
    public const string Header = "X-Conduit-Token";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/backend-api/f/conversation/prepare", (HttpContext c, ConduitEndpoint e) => e.PrepareAsync(c, anonymous: false));
        app.MapPost("/backend-anon/f/conversation/prepare", (HttpContext c, ConduitEndpoint e) => e.PrepareAsync(c, anonymous: true));
    }

    private async Task<IResult> PrepareAsync(HttpContext context, bool anonymous)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.ConversationPrepare, anonymous);
        if (error is not null || caller is null)
        {
            return error!;
        }

        // The browser chains prepares (none → sent → success), each sending the previous conduit token;
        // the first goes with an empty header. A non-empty header must be one of ours.
        var previous = context.Request.Headers[Header].ToString();
        if (previous.Length > 0 && !conduits.IsValid(previous, caller.OwnerKey, allowExpired: true))
        {
            SimLog.Rejected(logger, SimEndpoints.ConversationPrepare, "unknown conduit token");
            return UpstreamErrors.Forbidden("Invalid conduit token");
        }

        if (await SimJson.ReadAsync(context.Request, context.RequestAborted) is not JsonObject)
        {
            SimLog.Rejected(logger, SimEndpoints.ConversationPrepare, "body is not a JSON object");
            return UpstreamErrors.InvalidBody();
        }

        return SimJson.Result(new JsonObject { ["status"] = "ok", ["conduit_token"] = conduits.Issue(caller.OwnerKey) });
    }
}
