using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Upstream.Vidu;

/// <summary>
/// A Vidu task as its query (<c>GET /ent/v2/tasks/{id}/creations</c>) and its callbacks describe it (research D.6):
/// <c>{id, state, err_code, credits, creations:[{url, cover_url}]}</c>, states <c>created → queueing → processing →
/// success | failed</c>. <see cref="Progress"/> is read when the answer carries a <c>progress</c> number; the public
/// documentation does not promise one, so it is optional.
/// </summary>
public sealed record ViduTask(string Id, string State, int? Progress, string? ErrCode, long? Credits, string? VideoUrl, string? CoverUrl)
{
    public const string Success = "success";
    public const string Failed = "failed";

    public bool IsFinished => State is Success or Failed;

    /// <summary>Reads a query answer or a callback body; null when it names no task or no state.</summary>
    public static ViduTask? Parse(JsonObject body)
    {
        var id = Text(body["id"]) ?? Text(body["task_id"]);
        var state = Text(body["state"]);
        if (id is null || state is null)
        {
            return null;
        }

        var creation = body["creations"] is JsonArray { Count: > 0 } creations ? creations[0] as JsonObject : null;
        var progress = Number(body["progress"]) is { } p ? (int?)Math.Clamp((int)p, 0, 100) : null;
        return new ViduTask(id, state.ToLowerInvariant(), progress, Text(body["err_code"]), Number(body["credits"]) is { } c ? (long)c : null, Text(creation?["url"]), Text(creation?["cover_url"]));
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s : null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static decimal? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}

/// <summary>What a submit or query got: the task, or why not (<see cref="Retryable"/> when asking again may help).</summary>
public sealed record ViduAnswer(ViduTask? Task, string? Error, bool Retryable)
{
    public static ViduAnswer Of(ViduTask task) => new(task, null, false);

    public static ViduAnswer Failure(string error, bool retryable) => new(null, error, retryable);
}
