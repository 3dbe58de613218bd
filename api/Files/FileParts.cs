using System.Text.Json.Nodes;

namespace MirrorGate.Api.Files;

/// <summary>
/// Content parts that name an uploaded file, in the forms clients send: Aurora's <c>{"type":"input_file","file_id":…}</c>
/// (in chat and in responses), chat's <c>{"type":"file","file":{"file_id":…}}</c> and
/// <c>{"type":"image_url","image_url":{"url":"file-…"}}</c>, and the Responses API's
/// <c>{"type":"input_image","file_id":…}</c> (or its <c>image_url</c> holding a file id). Image URLs and inline data
/// are not fetched: the web backend takes images only as uploaded files.
/// </summary>
public static class FileParts
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "input_file", "file", "image_url", "input_image" };

    /// <summary>The file id of a file part; false with the error when the part names none.</summary>
    public static bool TryRead(JsonObject part, string type, string where, out string? fileId, out string? error)
    {
        fileId = type switch
        {
            "input_file" => Text(part["file_id"]),
            "file" => Text(part["file"]?["file_id"]),
            "image_url" => Text(part["image_url"]?["url"]) ?? Text(part["image_url"]),
            "input_image" => Text(part["file_id"]) ?? Text(part["image_url"]),
            _ => null,
        };
        if (fileId is { Length: > 0 } && fileId.StartsWith("file-", StringComparison.Ordinal))
        {
            error = null;
            return true;
        }

        error = fileId is { Length: > 0 } && type is "image_url" or "input_image"
            ? $"Invalid '{where}': image URLs and inline images are not supported on this model (it is served by ChatGPT web accounts); upload the image with POST /v1/files and send its file id."
            : $"Invalid '{where}': a part of type '{type}' needs the 'file_id' of a file uploaded with POST /v1/files.";
        fileId = null;
        return false;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
