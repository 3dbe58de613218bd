using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Http;

/// <summary>One serialisation policy for everything the simulator writes: compact JSON whose
/// non-ASCII characters are escaped as <c>\uXXXX</c>, as in the captures (System.Text.Json's default encoder).</summary>
internal static class SimJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Compact(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    public static IResult Result(JsonNode body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(Compact(body), "application/json", null, statusCode);

    /// <summary>Parses a request body; null when it is not JSON (callers answer 4xx).</summary>
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static double UnixSeconds(DateTimeOffset time) => Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3);
}
