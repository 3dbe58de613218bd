using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MirrorGate.Grains.Pricing;

/// <summary>
/// One parsed <c>pricing_data</c> document (research D.5): <c>unit_values</c> (unit name → divisor), <c>fields</c>
/// (descriptions for quoting forms; not evaluated) and <c>pricings</c>, a list of items
/// <c>{price_factors, unit_prices, unit, filters: [{field: value}, …]}</c>. YAML is read as a node tree only:
/// nothing is constructed from tags and nothing is executed, and every number is parsed as a decimal.
/// </summary>
public sealed record PricingTable(ImmutableDictionary<string, decimal> UnitValues, ImmutableArray<PricingItem> Items)
{
    /// <summary>The program's text: a table, or a message saying what is wrong with it.</summary>
    public static (PricingTable? Table, string? Error) Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            return (null, $"pricing_data is not valid YAML: {ex.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, "pricing_data must be one YAML mapping with unit_values and pricings.");
        }

        var units = ImmutableDictionary.CreateBuilder<string, decimal>(StringComparer.Ordinal);
        if (Child(root, "unit_values") is { } unitNode)
        {
            if (unitNode is not YamlMappingNode unitMap)
            {
                return (null, "unit_values must map unit names to divisors.");
            }

            foreach (var (key, value) in unitMap.Children)
            {
                if (Scalar(key) is not { } unit || Number(value) is not { } divisor || divisor <= 0)
                {
                    return (null, $"unit_values: '{Scalar(key)}' needs a positive number.");
                }

                units[unit] = divisor;
            }
        }

        if (Child(root, "pricings") is not YamlSequenceNode pricings)
        {
            return (null, "pricing_data needs a 'pricings' list.");
        }

        var items = ImmutableArray.CreateBuilder<PricingItem>();
        var index = 0;
        foreach (var node in pricings.Children)
        {
            index++;
            if (node is not YamlMappingNode item || Scalar(Child(item, "price_factors")) is not { } factor)
            {
                return (null, $"pricings[{index}] needs price_factors.");
            }

            if (Number(Child(item, "unit_prices")) is not { } unitPrice || unitPrice < 0)
            {
                return (null, $"pricings[{index}] needs a non-negative unit_prices.");
            }

            var unitCost = Child(item, "unit_costs") is { } costNode ? Number(costNode) : 0m;
            if (unitCost is null or < 0)
            {
                return (null, $"pricings[{index}]: unit_costs must be a non-negative number.");
            }

            var filters = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
            if (Child(item, "filters") is { } filterNode)
            {
                if (filterNode is not YamlSequenceNode filterList)
                {
                    return (null, $"pricings[{index}]: filters must be a list of {{field: value}}.");
                }

                foreach (var filter in filterList.Children)
                {
                    if (filter is not YamlMappingNode pairs || pairs.Children.Count == 0)
                    {
                        return (null, $"pricings[{index}]: each filter is one {{field: value}}.");
                    }

                    foreach (var (key, value) in pairs.Children)
                    {
                        if (Scalar(key) is not { } field || Scalar(value) is not { } expected)
                        {
                            return (null, $"pricings[{index}]: a filter needs a field and a plain value.");
                        }

                        filters.Add(new(field, expected));
                    }
                }
            }

            items.Add(new PricingItem(factor, unitPrice, unitCost.Value, Scalar(Child(item, "unit")), filters.ToImmutable()));
        }

        return (new PricingTable(units.ToImmutable(), items.ToImmutable()), null);
    }

    private static YamlNode? Child(YamlMappingNode map, string name) =>
        map.Children.TryGetValue(new YamlScalarNode(name), out var node) ? node : null;

    private static string? Scalar(YamlNode? node) => node is YamlScalarNode { Value: { } value } ? value.Trim() : null;

    private static decimal? Number(YamlNode? node) =>
        Scalar(node) is { } text && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
}

/// <summary>
/// One price line. <see cref="UnitCost"/> (<c>unit_costs</c>) is this gateway's addition for the reseller's purchase
/// cost (the original returns an optional <c>cost</c> per item, research D.5, but its field name is not public).
/// </summary>
public sealed record PricingItem(string Factor, decimal UnitPrice, decimal UnitCost, string? Unit, ImmutableArray<KeyValuePair<string, string>> Filters);
