using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Conversations;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Speech;

/// <summary>
/// Read-aloud (research §7): <c>GET /backend-api/synthesize?message_id&amp;conversation_id&amp;voice&amp;format</c> answers
/// audio bytes for a message of a kept conversation of the caller's account, and <c>PATCH /backend-api/conversation/{id}</c>
/// hides a conversation. A temporary chat is never kept, so it cannot be read aloud ("temporary chats can't be read
/// aloud"): its ids answer 404 like any unknown conversation. The anonymous prefix is not served: the gateways' capability
/// tables require a login for speech (whether <c>/backend-anon/synthesize</c> works is uncertain).
/// </summary>
internal sealed class SpeechEndpoints(CallerResolver callers, ConversationStore conversations, HiddenConversations hidden, ILogger<SpeechEndpoints> logger)
{
    public const string Synthesize = "synthesize";
    public const string ConversationPatch = "conversation/patch";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/backend-api/synthesize", (HttpContext c, SpeechEndpoints e) => e.Synth(c));
        app.MapMethods("/backend-api/conversation/{id}", ["PATCH"], (HttpContext c, string id, SpeechEndpoints e) => e.PatchAsync(c, id));
    }

    private IResult Synth(HttpContext context)
    {
        var (caller, error) = callers.Resolve(context, Synthesize, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        var query = context.Request.Query;
        string messageId = query["message_id"].ToString(), conversationId = query["conversation_id"].ToString();
        string voice = query["voice"].ToString(), format = query["format"].ToString();
        if (format.Length == 0)
        {
            format = "aac";
        }

        if (!SpeechFormats.Voices.Contains(voice) || SpeechFormats.ContentType(format) is not { } contentType)
        {
            SimLog.Rejected(logger, Synthesize, $"voice '{voice}' or format '{format}'");
            return SimJson.Result(new JsonObject { ["detail"] = "Invalid voice or format" }, StatusCodes.Status400BadRequest);
        }

        var tree = conversations.Find(conversationId, caller.OwnerKey);
        if (tree is null)
        {
            return UpstreamErrors.ConversationNotFound(conversationId);
        }

        string text;
        lock (tree.Gate)
        {
            var message = tree.Contains(messageId) ? tree.Nodes.FirstOrDefault(n => n.Id == messageId)?.Message : null;
            if (message is null)
            {
                return SimJson.Result(new JsonObject { ["detail"] = "Message not found" }, StatusCodes.Status404NotFound);
            }

            text = message.Text;
        }

        return Results.Bytes(SpeechFormats.FakeAudio(format, voice, text), contentType);
    }

    private async Task<IResult> PatchAsync(HttpContext context, string id)
    {
        var (caller, error) = callers.Resolve(context, ConversationPatch, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        if (conversations.Find(id, caller.OwnerKey) is null)
        {
            return UpstreamErrors.ConversationNotFound(id);
        }

        if (await SimJson.ReadAsync(context.Request, context.RequestAborted) is JsonObject body
            && body["is_visible"] is JsonValue visible && visible.TryGetValue<bool>(out var isVisible))
        {
            hidden.Set(id, isVisible);
        }

        return SimJson.Result(new JsonObject { ["success"] = true });
    }
}
