using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.GrainInterfaces.Conversations;

namespace MirrorGate.Api.BackendApi;

/// <summary>
/// <c>GET /backend-api/conversations</c> and <c>GET /backend-api/conversation/{id}</c> for users (activation codes,
/// mirror tokens): the conversations an operator imported for them, in the web backend's shapes. The pool's accounts
/// are shared, so their own lists are never shown to a user.
/// </summary>
public static class ConversationReads
{
    private const int DefaultLimit = 28;
    private const int MaxLimit = 100;

    public static async Task<IResult> ListAsync(HttpContext context, Caller caller, IGrainFactory grains)
    {
        if (caller.UserName is not { } userName)
        {
            return NotForThisCaller();
        }

        var query = context.Request.Query;
        if (!TryInt(query["offset"], 0, int.MaxValue, 0, out var offset) || !TryInt(query["limit"], 1, MaxLimit, DefaultLimit, out var limit))
        {
            return BackendErrors.Result(StatusCodes.Status400BadRequest, $"'offset' must be a whole number from 0, and 'limit' one from 1 to {MaxLimit}.", "invalid_request");
        }

        var page = await grains.GetGrain<IConversationListGrain>(userName).ListAsync(offset, limit);
        return Results.Json(new JsonObject
        {
            ["items"] = new JsonArray([.. page.Items.Select(Item)]),
            ["total"] = page.Total,
            ["limit"] = limit,
            ["offset"] = offset,
            ["has_missing_conversations"] = false,
        });
    }

    public static async Task<IResult> GetAsync(string conversationId, Caller caller, IGrainFactory grains)
    {
        if (caller.UserName is not { } userName)
        {
            return NotForThisCaller();
        }

        var imported = await grains.GetGrain<IImportedConversationGrain>(ImportedConversationKey.For(userName, conversationId)).GetAsync();
        return imported is null
            ? BackendErrors.Result(StatusCodes.Status404NotFound, $"Can't load conversation {conversationId}", "conversation_not_found")
            : Results.Text(imported.PayloadJson, "application/json; charset=utf-8");
    }

    private static JsonObject Item(ConversationSummary s) => new()
    {
        ["id"] = s.ConversationId,
        ["title"] = s.Title,
        ["create_time"] = s.CreateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["update_time"] = s.UpdateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["mapping"] = null,
        ["current_node"] = null,
        ["conversation_template_id"] = null,
        ["gizmo_id"] = null,
        ["is_archived"] = false,
        ["workspace_id"] = null,
    };

    private static IResult NotForThisCaller() =>
        BackendErrors.Result(StatusCodes.Status403Forbidden, "Conversations are listed and read for users (an activation code or a mirror token), not for the pool's key or a raw token.", "user_credential_required");

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues raw, int min, int max, int fallback, out int value)
    {
        value = fallback;
        return raw.Count == 0 || (int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }
}
