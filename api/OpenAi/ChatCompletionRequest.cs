using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Grains.Models;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// A validated <c>POST /v1/chat/completions</c> body: OpenAI's fields plus chatgpt-gateway's
/// <c>conversation_id</c>, <c>parent_message_id</c> and <c>hatd</c>.
/// </summary>
public sealed record ChatCompletionRequest(
    ModelDefinition Model,
    IReadOnlyList<ChatMessage> Messages,
    bool Stream,
    bool IncludeUsage,
    string? ConversationId,
    string? ParentMessageId,
    bool? Hatd)
{
    /// <summary>The uploaded files the messages name, by id, once resolved (<see cref="Files.FileReferences"/>).</summary>
    public IReadOnlyDictionary<string, MirrorGate.Api.Files.FileRecord> Files { get; init; } = new Dictionary<string, MirrorGate.Api.Files.FileRecord>();

    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>Parses and validates; on failure returns the OpenAI error to answer with.</summary>
    public static (ChatCompletionRequest? Request, IResult? Error) Parse(JsonObject body, ModelCatalog models)
    {
        if (!JsonFields.TryString(body, "model", required: true, out var modelId, out var error))
        {
            return Fail(error, "model");
        }

        if (!models.TryGet(modelId!, out var model))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status404NotFound, $"The model `{modelId}` does not exist or you do not have access to it.", "model_not_found", "model"));
        }

        if (!body.TryGetPropertyValue("messages", out var messagesNode) || messagesNode is null)
        {
            return Fail("Missing required parameter: 'messages'.", "messages");
        }

        if (messagesNode is not JsonArray array || array.Count == 0)
        {
            return Fail(messagesNode is JsonArray ? "Invalid 'messages': empty array. Expected an array with minimum length 1." : $"Invalid type for 'messages': expected an array, but got {JsonFields.Describe(messagesNode)}.", "messages");
        }

        var messages = new List<ChatMessage>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var (message, messageError, param) = ParseMessage(array[i], i);
            if (message is null)
            {
                return Fail(messageError!, param);
            }

            messages.Add(message);
        }

        // Each field is checked on its own so that 'param' names the field at fault, as OpenAI's does.
        if (!JsonFields.TryBool(body, "stream", out var stream, out error))
        {
            return Fail(error, "stream");
        }

        if (!JsonFields.TryString(body, "conversation_id", required: false, out var conversationId, out error))
        {
            return Fail(error, "conversation_id");
        }

        if (!JsonFields.TryString(body, "parent_message_id", required: false, out var parentMessageId, out error))
        {
            return Fail(error, "parent_message_id");
        }

        if (!JsonFields.TryBool(body, "hatd", out var hatd, out error))
        {
            return Fail(error, "hatd");
        }

        var includeUsage = false;
        if (body.TryGetPropertyValue("stream_options", out var options) && options is not null)
        {
            if (options is not JsonObject optionsObject)
            {
                return Fail($"Invalid type for 'stream_options': expected an object, but got {JsonFields.Describe(options)}.", "stream_options");
            }

            if (!JsonFields.TryBool(optionsObject, "include_usage", out var usage, out error))
            {
                return Fail(error.Replace("'include_usage'", "'stream_options.include_usage'", StringComparison.Ordinal), "stream_options.include_usage");
            }

            includeUsage = usage ?? false;
        }

        var request = new ChatCompletionRequest(model, messages, stream ?? false, includeUsage, conversationId is { Length: > 0 } ? conversationId : null, parentMessageId is { Length: > 0 } ? parentMessageId : null, hatd);
        if (!request.MessagesToSend.Any(m => m.Role is not ("system" or "developer" or "assistant")))
        {
            return Fail(request.ConversationId is null
                ? "Invalid 'messages': there is no user message to answer."
                : "Invalid 'messages': nothing follows the last assistant message, so there is no new user message to answer.", "messages");
        }

        return (request, null);
    }

    /// <summary>
    /// The messages the upstream needs: all of them for a new conversation; for a continued one only
    /// those after the last assistant message, because the upstream already holds the rest.
    /// </summary>
    public IReadOnlyList<ChatMessage> MessagesToSend
    {
        get
        {
            if (ConversationId is null)
            {
                return Messages;
            }

            var last = -1;
            for (var i = 0; i < Messages.Count; i++)
            {
                if (Messages[i].Role == "assistant")
                {
                    last = i;
                }
            }

            return last < 0 ? Messages : [.. Messages.Skip(last + 1)];
        }
    }

    /// <summary>One message, or the error and the <c>param</c> path it concerns (<c>messages[i]</c>, <c>.role</c> or <c>.content</c>).</summary>
    private static (ChatMessage? Message, string? Error, string Param) ParseMessage(JsonNode? node, int index)
    {
        if (node is not JsonObject message)
        {
            return (null, $"Invalid type for 'messages[{index}]': expected an object, but got {JsonFields.Describe(node)}.", $"messages[{index}]");
        }

        var roleParam = $"messages[{index}].role";
        if (!JsonFields.TryString(message, "role", required: true, out var role, out var error))
        {
            return (null, error.Replace("'role'", $"'{roleParam}'", StringComparison.Ordinal), roleParam);
        }

        if (!Roles.Contains(role!))
        {
            return (null, $"Invalid value for '{roleParam}': '{role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", roleParam);
        }

        // Only an assistant message (one that carried tool calls) may go without content, as at OpenAI;
        // a user message without it would reach the upstream as an empty prompt.
        var contentParam = $"messages[{index}].content";
        var hasContent = message.TryGetPropertyValue("content", out var content);
        if (content is null && role != "assistant")
        {
            return (null, hasContent
                ? $"Invalid type for '{contentParam}': expected a string or an array of content parts, but got null."
                : $"Missing required parameter: '{contentParam}'.", contentParam);
        }

        var fileIds = new List<string>();
        var (text, contentError) = ContentText(content, index, fileIds);
        return text is null ? (null, contentError, contentParam) : (new ChatMessage(role!, text) { FileIds = fileIds }, null, string.Empty);
    }

    /// <summary>
    /// Plain text of a message's content: a string, an array of text parts, or null (an assistant tool call). File parts
    /// (<see cref="Files.FileParts"/>) add their ids to <paramref name="fileIds"/>.
    /// </summary>
    private static (string? Text, string? Error) ContentText(JsonNode? content, int index, List<string> fileIds)
    {
        switch (content?.GetValueKind())
        {
            case null or JsonValueKind.Null:
                return (string.Empty, null);
            case JsonValueKind.String:
                return (content.GetValue<string>(), null);
            case JsonValueKind.Array when content.AsArray().Count == 0:
                return (null, $"Invalid 'messages[{index}].content': empty array. Expected an array with minimum length 1.");
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.AsArray())
                {
                    if (part is not JsonObject partObject || !JsonFields.TryString(partObject, "type", required: true, out var type, out _))
                    {
                        return (null, $"Invalid content part in 'messages[{index}].content': each part must be an object with a 'type'.");
                    }

                    if (MirrorGate.Api.Files.FileParts.Types.Contains(type!))
                    {
                        if (!MirrorGate.Api.Files.FileParts.TryRead(partObject, type!, $"messages[{index}].content", out var fileId, out var fileError))
                        {
                            return (null, fileError);
                        }

                        fileIds.Add(fileId!);
                        continue;
                    }

                    if (type is not ("text" or "input_text"))
                    {
                        return (null, $"Content parts of type '{type}' in 'messages[{index}].content' are not supported yet; send text or file parts.");
                    }

                    if (!JsonFields.TryString(partObject, "text", required: true, out var partText, out _))
                    {
                        return (null, $"Invalid content part in 'messages[{index}].content': a text part needs a string 'text'.");
                    }

                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(partText);
                }

                return (text.ToString(), null);
            default:
                return (null, $"Invalid type for 'messages[{index}].content': expected a string or an array of content parts, but got {JsonFields.Describe(content)}.");
        }
    }

    private static (ChatCompletionRequest?, IResult?) Fail(string message, string? param) =>
        (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param));
}
