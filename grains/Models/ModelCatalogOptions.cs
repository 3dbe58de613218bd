namespace MirrorGate.Grains.Models;

/// <summary>The models offered (configuration section <c>Models</c>); configuring a list replaces the defaults.</summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Models";

    /// <summary>
    /// The offered models. Defaults: the ids of Aurora's model list and of chatgpt-gateway's documentation,
    /// passed through as slugs (research §3.13), with <c>gpt-3.5-turbo</c> mapped to <c>auto</c> because
    /// the web backend has no such slug any more. Which plan a model needs is our judgement, not a
    /// documented fact: the web UI lets free accounts pick <c>auto</c> and the small models.
    /// </summary>
    public List<ModelDefinition> Models { get; set; } = [];

    internal static IReadOnlyList<ModelDefinition> Defaults { get; } =
    [
        new("auto", "auto"),
        new("gpt-5", "gpt-5"),
        new("gpt-5-mini", "gpt-5-mini"),
        new("gpt-5-instant", "gpt-5-instant"),
        new("gpt-5-thinking", "gpt-5-thinking", "plus"),
        new("gpt-5-5-instant", "gpt-5-5-instant"),
        new("gpt-5-5-thinking", "gpt-5-5-thinking", "plus"),
        new("gpt-5-5-pro", "gpt-5-5-pro", "pro"),
        new("gpt-5-6", "gpt-5-6", "plus"),
        new("gpt-5-6-pro", "gpt-5-6-pro", "pro"),
        new("gpt-4o", "gpt-4o", "plus"),
        new("gpt-4o-mini", "gpt-4o-mini"),
        new("gpt-4", "gpt-4", "plus"),
        new("gpt-4-mobile", "gpt-4-mobile", "plus"),
        new("gpt-3.5-turbo", "auto"),
        new("o1", "o1", "plus"),
        new("o1-mini", "o1-mini", "plus"),
        new("o1-pro", "o1-pro", "pro"),
        new("o3", "o3", "plus"),
        new("o4-mini", "o4-mini", "plus"),
        new("o4-mini-high", "o4-mini-high", "plus"),
    ];
}
