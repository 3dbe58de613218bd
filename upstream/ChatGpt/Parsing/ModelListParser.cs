using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Parsing;

/// <summary>Reads <c>/backend-api/models</c> (research §4.1); entries without a slug are skipped.</summary>
internal static class ModelListParser
{
    public static UpstreamResult<IReadOnlyList<UpstreamModel>> Parse(JsonElement root)
    {
        var models = Json.Property(root, "models");
        if (models.ValueKind != JsonValueKind.Array)
        {
            return UpstreamResult<IReadOnlyList<UpstreamModel>>.Fail(Json.Protocol(200, "The model list answered without models."));
        }

        var result = new List<UpstreamModel>(models.GetArrayLength());
        foreach (var model in models.EnumerateArray())
        {
            if (Json.NonEmpty(model, "slug") is { } slug)
            {
                var maxTokens = Json.Property(model, "max_tokens");
                result.Add(new UpstreamModel(
                    slug,
                    Json.String(model, "title"),
                    maxTokens.ValueKind == JsonValueKind.Number && maxTokens.TryGetInt32(out var max) ? max : null));
            }
        }

        return UpstreamResult<IReadOnlyList<UpstreamModel>>.Ok(result);
    }
}
