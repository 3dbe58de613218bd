using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Channels;

/// <summary>
/// An OpenAI-compatible upstream as the operator defined it: where it is, which models it serves, how to rename them,
/// and how it ranks (higher <paramref name="Priority"/> first; among equals, work spread by <paramref name="Weight"/>
/// and load). Its keys are not here: each lives, encrypted, in its own channel-key grain.
/// </summary>
/// <param name="BaseUrl">The API root the paths are appended to, e.g. <c>https://api.openai.com/v1</c>.</param>
/// <param name="ModelMapping">Requested model → the name sent upstream; models not in it go as they are.</param>
[GenerateSerializer, Immutable, Alias("mg.ChannelDefinition")]
public sealed record ChannelDefinition(
    [property: Id(0)] string ChannelId,
    [property: Id(1)] string Name,
    [property: Id(2)] string BaseUrl,
    [property: Id(3)] ImmutableArray<string> Models,
    [property: Id(4)] ImmutableDictionary<string, string> ModelMapping,
    [property: Id(5)] int Weight,
    [property: Id(6)] int Priority)
{
    /// <summary>The channel's key grains (<see cref="ChannelIds.ForKey"/>), in the order the keys were given.</summary>
    [Id(7)]
    public ImmutableArray<string> KeyIds { get; init; } = [];

    public bool Serves(string model) => Models.Contains(model, StringComparer.Ordinal);

    /// <summary>The model name to send upstream for <paramref name="model"/>.</summary>
    public string UpstreamModel(string model) => ModelMapping.TryGetValue(model, out var mapped) ? mapped : model;
}
