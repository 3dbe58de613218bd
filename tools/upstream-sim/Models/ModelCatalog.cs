using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Models;

/// <summary>Model slugs the simulator lists (research §3.13, §4.1). Chat accepts any slug: the real
/// backend falls back silently, and the body rules in the docs do not include a model check.</summary>
internal static class ModelCatalog
{
    private static readonly (string Slug, string Title, int MaxTokens)[] LoggedIn =
    [
        ("auto", "Auto", 32_767),
        ("gpt-5-2", "GPT-5.2", 32_767),
        ("gpt-5-instant", "GPT-5 Instant", 34_815),
        ("gpt-5-thinking", "GPT-5 Thinking", 196_608),
        ("gpt-4o", "GPT-4o", 32_767),
        ("gpt-4o-mini", "GPT-4o mini", 32_767),
        ("o3", "o3", 196_608),
    ];

    private static readonly (string Slug, string Title, int MaxTokens)[] Anonymous =
    [
        ("auto", "Auto", 8_191),
        ("gpt-5-instant", "GPT-5 Instant", 8_191),
    ];

    /// <summary>The slug a stream reports for a requested model ("auto" resolves to a concrete one).</summary>
    public static string Resolve(string requested) => requested == "auto" ? "gpt-5-2" : requested;

    public static JsonObject Body(bool anonymous)
    {
        var models = new JsonArray();
        foreach (var (slug, title, maxTokens) in anonymous ? Anonymous : LoggedIn)
        {
            models.Add(new JsonObject
            {
                ["slug"] = slug,
                ["max_tokens"] = maxTokens,
                ["title"] = title,
                ["description"] = $"Simulated {title}",
                ["tags"] = new JsonArray("history_off_approved", "gizmo-allowlisted"),
                ["capabilities"] = new JsonObject(),
                ["product_features"] = new JsonObject
                {
                    ["attachments"] = new JsonObject
                    {
                        ["type"] = "retrieval",
                        ["accepted_mime_types"] = new JsonArray("text/plain", "application/pdf"),
                        ["image_mime_types"] = new JsonArray("image/gif", "image/jpeg", "image/png", "image/webp"),
                    },
                },
            });
        }

        return new JsonObject { ["models"] = models, ["categories"] = new JsonArray() };
    }
}
