using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Models;

namespace MirrorGate.Api.Responses;

/// <summary>
/// A validated <c>POST /v1/responses</c> body for the ChatGPT web path: <c>model</c>, <c>instructions</c>,
/// <c>input</c> (a string, or message items whose content is a string or text parts), <c>stream</c>,
/// <c>store</c>, <c>previous_response_id</c>, and chatgpt-gateway's <c>hatd</c>. Fields the web backend has no
/// counterpart for (<c>temperature</c>, <c>tools</c>, <c>reasoning</c>…) are accepted and not applied, as
/// Aurora does; the response echoes the defaults.
/// </summary>
public sealed record ResponseRequest(
    ModelDefinition Model,
    string? Instructions,
    IReadOnlyList<ChatMessage> Input,
    bool Stream,
    bool Store,
    string? PreviousResponseId,
    bool? Hatd)
{
    /// <summary>The message roles of input items; the web backend knows system, user and assistant (developer → system).</summary>
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant"];

    /// <summary>Parses and validates; on failure returns the OpenAI error to answer with.</summary>
    public static (ResponseRequest? Request, IResult? Error) Parse(JsonObject body, ModelCatalog models)
    {
        if (!JsonFields.TryString(body, "model", required: true, out var modelId, out var error))
        {
            return Fail(error, "model");
        }

        if (!models.TryGet(modelId!, out var model))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status404NotFound, $"The model `{modelId}` does not exist or you do not have access to it.", "model_not_found", "model"));
        }

        if (!JsonFields.TryString(body, "instructions", required: false, out var instructions, out error))
        {
            return Fail(error, "instructions");
        }

        if (!body.TryGetPropertyValue("input", out var inputNode) || inputNode is null)
        {
            return Fail("Missing required parameter: 'input'.", "input");
        }

        var (input, inputError, inputParam) = ParseInput(inputNode);
        if (input is null)
        {
            return Fail(inputError!, inputParam);
        }

        if (!input.Any(m => m.Role == "user"))
        {
            return Fail("Invalid 'input': there is no user message to answer.", "input");
        }

        if (!JsonFields.TryBool(body, "stream", out var stream, out error))
        {
            return Fail(error, "stream");
        }

        if (!JsonFields.TryBool(body, "store", out var store, out error))
        {
            return Fail(error, "store");
        }

        if (!JsonFields.TryString(body, "previous_response_id", required: false, out var previous, out error))
        {
            return Fail(error, "previous_response_id");
        }

        if (!JsonFields.TryBool(body, "hatd", out var hatd, out error))
        {
            return Fail(error, "hatd");
        }

        return (new ResponseRequest(model, instructions is { Length: > 0 } ? instructions : null, input, stream ?? false, store ?? true,
            previous is { Length: > 0 } ? previous : null, hatd), null);
    }

    /// <summary>The messages sent upstream: the instructions as a system message first, then the input.</summary>
    public IReadOnlyList<ChatMessage> Messages => Instructions is null ? Input : [new ChatMessage("system", Instructions), .. Input];

    private static (List<ChatMessage>? Input, string? Error, string Param) ParseInput(JsonNode input)
    {
        switch (input.GetValueKind())
        {
            case JsonValueKind.String:
                var text = input.GetValue<string>();
                return text.Length == 0
                    ? (null, "Invalid 'input': it must not be an empty string.", "input")
                    : ([new ChatMessage("user", text)], null, "input");
            case JsonValueKind.Array when input.AsArray().Count == 0:
                return (null, "Invalid 'input': empty array. Expected an array with minimum length 1.", "input");
            case JsonValueKind.Array:
                var messages = new List<ChatMessage>();
                var items = input.AsArray();
                for (var i = 0; i < items.Count; i++)
                {
                    var (message, error, param) = ParseItem(items[i], i);
                    if (message is null)
                    {
                        return (null, error, param);
                    }

                    messages.Add(message);
                }

                return (messages, null, "input");
            default:
                return (null, $"Invalid type for 'input': expected a string or an array of input items, but got {JsonFields.Describe(input)}.", "input");
        }
    }

    /// <summary>A message item, typed (<c>"type":"message"</c>) or in the short form (<c>role</c> and <c>content</c> only).</summary>
    private static (ChatMessage? Message, string? Error, string Param) ParseItem(JsonNode? node, int index)
    {
        var param = $"input[{index}]";
        if (node is not JsonObject item)
        {
            return (null, $"Invalid type for '{param}': expected an object, but got {JsonFields.Describe(node)}.", param);
        }

        if (!JsonFields.TryString(item, "type", required: false, out var type, out var error))
        {
            return (null, error.Replace("'type'", $"'{param}.type'", StringComparison.Ordinal), $"{param}.type");
        }

        if (type is not (null or "message"))
        {
            return (null, $"Input items of type '{type}' are not supported on this model (it is served by ChatGPT web accounts); send message items.", $"{param}.type");
        }

        if (!JsonFields.TryString(item, "role", required: true, out var role, out error))
        {
            return (null, error.Replace("'role'", $"'{param}.role'", StringComparison.Ordinal), $"{param}.role");
        }

        if (!Roles.Contains(role!))
        {
            return (null, $"Invalid value for '{param}.role': '{role}'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", $"{param}.role");
        }

        var fileIds = new List<string>();
        var (text, contentError) = ContentText(item["content"], $"{param}.content", fileIds);
        return text is null ? (null, contentError, $"{param}.content") : (new ChatMessage(role!, text) { FileIds = fileIds }, null, param);
    }

    /// <summary>
    /// Plain text of an item's content: a string, or an array of <c>input_text</c> / <c>output_text</c> parts; file parts
    /// (<c>input_file</c>, <c>input_image</c> with a <c>file_id</c>) add their ids to <paramref name="fileIds"/>.
    /// </summary>
    private static (string? Text, string? Error) ContentText(JsonNode? content, string param, List<string> fileIds)
    {
        switch (content?.GetValueKind())
        {
            case null or JsonValueKind.Null:
                return (null, $"Missing required parameter: '{param}'.");
            case JsonValueKind.String:
                return (content.GetValue<string>(), null);
            case JsonValueKind.Array when content.AsArray().Count == 0:
                return (null, $"Invalid '{param}': empty array. Expected an array with minimum length 1.");
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.AsArray())
                {
                    if (part is not JsonObject partObject || !JsonFields.TryString(partObject, "type", required: true, out var type, out _))
                    {
                        return (null, $"Invalid content part in '{param}': each part must be an object with a 'type'.");
                    }

                    if (Files.FileParts.Types.Contains(type!))
                    {
                        if (!Files.FileParts.TryRead(partObject, type!, param, out var fileId, out var fileError))
                        {
                            return (null, fileError);
                        }

                        fileIds.Add(fileId!);
                        continue;
                    }

                    if (type is not ("input_text" or "output_text" or "text"))
                    {
                        return (null, $"Content parts of type '{type}' in '{param}' are not supported yet; send input_text or input_file parts.");
                    }

                    if (!JsonFields.TryString(partObject, "text", required: true, out var partText, out _))
                    {
                        return (null, $"Invalid content part in '{param}': a text part needs a string 'text'.");
                    }

                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(partText);
                }

                return (text.ToString(), null);
            default:
                return (null, $"Invalid type for '{param}': expected a string or an array of content parts, but got {JsonFields.Describe(content)}.");
        }
    }

    private static (ResponseRequest?, IResult?) Fail(string message, string? param) =>
        (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param));
}
