using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;

namespace MirrorGate.Api.Images;

/// <summary>
/// A validated <c>POST /v1/images/generations</c> body: <c>model</c> (any image model name; the web backend has one image
/// tool), <c>prompt</c>, <c>n</c>, <c>size</c>, <c>response_format</c> (<c>b64_json</c> by default, as Aurora; OpenAI's
/// default is <c>url</c>). <c>quality</c>, <c>style</c>, <c>background</c> and <c>user</c> are accepted and not applied.
/// </summary>
public sealed record ImagesRequest(string Prompt, int N, string? Size, bool Url)
{
    public const int MaxPromptLength = 32000;

    /// <summary>The sizes of OpenAI's image models; the web backend takes none, so the size goes into the prompt as a hint.</summary>
    public static readonly IReadOnlyList<string> Sizes = ["auto", "256x256", "512x512", "1024x1024", "1536x1024", "1024x1536", "1792x1024", "1024x1792"];

    public static (ImagesRequest? Request, IResult? Error) Parse(JsonObject body, int maxImages)
    {
        if (!JsonFields.TryString(body, "model", required: false, out _, out var error))
        {
            return Fail(error, "model");
        }

        if (!JsonFields.TryString(body, "prompt", required: true, out var prompt, out error))
        {
            return Fail(error, "prompt");
        }

        if (prompt!.Length == 0)
        {
            return Fail("Invalid 'prompt': it must not be empty.", "prompt");
        }

        if (prompt.Length > MaxPromptLength)
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid 'prompt': string too long. Expected a string with maximum length {MaxPromptLength}, but got a string with length {prompt.Length} instead.", "string_above_max_length", "prompt"));
        }

        var n = 1;
        if (body["n"] is { } nNode && nNode.GetValueKind() != JsonValueKind.Null)
        {
            if (nNode.GetValueKind() != JsonValueKind.Number || !nNode.AsValue().TryGetValue(out n))
            {
                return Fail($"Invalid type for 'n': expected an integer, but got {JsonFields.Describe(nNode)}.", "n");
            }

            if (n < 1 || n > maxImages)
            {
                return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid 'n': {n}. Expected a value between 1 and {maxImages}.", "integer_out_of_range", "n"));
            }
        }

        if (!JsonFields.TryString(body, "size", required: false, out var size, out error))
        {
            return Fail(error, "size");
        }

        if (size is not null && !Sizes.Contains(size, StringComparer.Ordinal))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid value for 'size': '{size}'. Supported values are: {string.Join(", ", Sizes.Select(s => $"'{s}'"))}.", "invalid_value", "size"));
        }

        if (!JsonFields.TryString(body, "response_format", required: false, out var format, out error))
        {
            return Fail(error, "response_format");
        }

        if (format is not (null or "url" or "b64_json"))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid value for 'response_format': '{format}'. Supported values are: 'url' and 'b64_json'.", "invalid_value", "response_format"));
        }

        return (new ImagesRequest(prompt, n, size is null or "auto" ? null : size, format == "url"), null);
    }

    /// <summary>
    /// What the image tool is asked: the prompt, and the size as a composition hint (BK's way; the web API has no size
    /// parameter, and whether the tool honours a hint is not known).
    /// </summary>
    public string ToolPrompt => Size is { } size && size.Split('x') is [var w, var h] && int.TryParse(w, out var width) && int.TryParse(h, out var height)
        ? $"{Prompt}\n\n(Image size: {size}, {(width > height ? "landscape" : width < height ? "portrait" : "square")} composition.)"
        : Prompt;

    private static (ImagesRequest?, IResult?) Fail(string message, string param) =>
        (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param));
}
