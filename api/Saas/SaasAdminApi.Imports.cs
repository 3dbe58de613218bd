using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Imports;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Saas;

/// <summary>
/// Conversation imports: <c>{"user": "&lt;activation code&gt;", "conversations": [ … ]}</c>. Every item is imported or
/// reported with its reason; the answer lists both. Importing a conversation again replaces it.
/// </summary>
public static partial class SaasAdminApi
{
    private const int MaxImportItems = 500;

    private static async Task<IResult> ImportBySelfAsync(HttpContext context, FieldsReader reader, ConversationImporter importer)
    {
        var (userName, items, failure) = await ReadImportAsync(context, reader, importer);
        if (failure is not null)
        {
            return failure;
        }

        var results = new List<ImportItemResult>(items!.Count);
        for (var i = 0; i < items.Count; i++)
        {
            results.Add(await importer.StoreAsync(userName!, i, items[i]));
        }

        return ImportAnswer(userName!, results);
    }

    private static async Task<IResult> ImportByWebAsync(HttpContext context, FieldsReader reader, ConversationImporter importer)
    {
        var (userName, items, failure) = await ReadImportAsync(context, reader, importer);
        if (failure is not null)
        {
            return failure;
        }

        var webItems = items!.Select(ToWebItem).ToArray();
        var results = await importer.FetchAndStoreAsync(userName!, webItems, context.RequestAborted);
        return ImportAnswer(userName!, results);
    }

    private static async Task<(string? UserName, IReadOnlyList<JsonNode?>? Items, IResult? Failure)> ReadImportAsync(HttpContext context, FieldsReader reader, ConversationImporter importer)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return (null, null, SaasResults.FromBody(read));
        }

        if (!JsonFields.TryString(body, "user", required: true, out var code, out var error))
        {
            return (null, null, SaasResults.BadRequest(error));
        }

        var conversations = body["conversations"];
        if (conversations?.GetValueKind() == JsonValueKind.String)
        {
            // A form carries the list as a JSON string.
            try
            {
                conversations = JsonNode.Parse(conversations.GetValue<string>());
            }
            catch (JsonException)
            {
                return (null, null, SaasResults.BadRequest("Invalid value for 'conversations': a JSON array."));
            }
        }

        if (conversations is not JsonArray list)
        {
            return (null, null, SaasResults.BadRequest($"Invalid type for 'conversations': expected an array, but got {JsonFields.Describe(conversations)}."));
        }

        if (list.Count > MaxImportItems)
        {
            return (null, null, SaasResults.BadRequest($"At most {MaxImportItems} conversations per import; split the list."));
        }

        if (await importer.FindUserAsync(code!) is not { } userName)
        {
            return (null, null, SaasResults.Fail(StatusCodes.Status404NotFound, "Unknown or revoked activation code in 'user': create it with /adminapi/createActivationCode first."));
        }

        return (userName, [.. list], null);
    }

    private static WebImportItem ToWebItem(JsonNode? item)
    {
        if (item is not JsonObject o)
        {
            return new WebImportItem(null, null, null, "not an object");
        }

        string? Field(string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim() is { Length: > 0 } s ? s : null;
        var conversationId = Field("conversation_id");
        var accessToken = Field("access_token");
        return conversationId is null ? new WebImportItem(null, null, null, "'conversation_id' is missing")
            : accessToken is null ? new WebImportItem(conversationId, null, null, "'access_token' is missing")
            : BearerShape.Classify(accessToken) is not BearerKind.AccessToken ? new WebImportItem(conversationId, null, null, "'access_token' is not a ChatGPT access token")
            : new WebImportItem(conversationId, accessToken, Field("gpt_account_id"), null);
    }

    private static IResult ImportAnswer(string userName, IReadOnlyList<ImportItemResult> results) => SaasResults.Ok(new
    {
        user = userName,
        imported = results.Where(r => r.Succeeded).Select(r => r.ConversationId).ToArray(),
        failed = results.Where(r => !r.Succeeded).Select(r => new { index = r.Index, conversation_id = r.ConversationId, reason = r.Error }).ToArray(),
    });
}
