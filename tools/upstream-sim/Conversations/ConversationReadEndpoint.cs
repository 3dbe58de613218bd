using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary><c>GET /backend-api/conversation/{id}</c>: the mapping tree, or 404 when the conversation is
/// unknown, was never kept, or belongs to another account (the backend does not reveal which).</summary>
internal sealed class ConversationReadEndpoint(CallerResolver callers, ConversationStore conversations)
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/backend-api/conversation/{id}", (HttpContext c, string id, ConversationReadEndpoint e) => e.Read(c, id));

    private IResult Read(HttpContext context, string id)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.ConversationGet, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        var tree = conversations.Find(id, caller.OwnerKey);
        if (tree is null)
        {
            return UpstreamErrors.ConversationNotFound(id);
        }

        lock (tree.Gate)
        {
            tree.CountRead();
            return SimJson.Result(MappingJson.Build(tree));
        }
    }
}
