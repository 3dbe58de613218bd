using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Models;

/// <summary>Looks up offered models by client-facing id (case-insensitive) and ranks plans.</summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelDefinition> _byId;

    public ModelCatalog(IOptions<ModelCatalogOptions> options)
    {
        var models = options.Value.Models is { Count: > 0 } configured ? configured : ModelCatalogOptions.Defaults;
        All = models;
        _byId = models.ToFrozenDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<ModelDefinition> All { get; }

    public bool TryGet(string id, out ModelDefinition model) => _byId.TryGetValue(id, out model!);

    /// <summary>
    /// Whether an account on <paramref name="planType"/> may serve <paramref name="model"/>. Plans rank
    /// free &lt; plus (plus, Team and the like) &lt; pro; an unknown plan ranks as free.
    /// </summary>
    public static bool PlanFits(string planType, ModelDefinition model) => Rank(planType) >= Rank(model.MinPlan);

    private static int Rank(string plan) => plan.ToLowerInvariant() switch
    {
        "pro" => 2,
        "plus" or "personal" or "prolite" or "pro_lite" or "go" or "team" or "business" or "enterprise" or "edu" or "chatgptteamplan" => 1,
        _ => 0,
    };
}
