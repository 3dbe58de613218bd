using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Pricing;

namespace MirrorGate.Grains.Pricing;

/// <summary>
/// Prices a usage dict with a program, in decimals throughout, per research D.7's reading of the original
/// (<c>pricing_program_charging</c>, whose source is not public):
/// <list type="bullet">
/// <item>the timing row in force is the one with <c>enabled_date ≤ business date &lt; expired_date</c>;</item>
/// <item>an item applies when each of its filters <c>{k: v}</c> equals <c>usage[k]</c> as text, case-insensitively, a
/// trailing <c>p</c> of a resolution ignored (<c>1080p</c> = <c>1080</c>);</item>
/// <item>its quantity is <c>usage[price_factors] / unit_values[unit]</c> (a unit missing from <c>unit_values</c> divides
/// by 1, except <c>百万</c>, a million), or 1 for <c>price_factors: flat</c>; an item whose factor the usage lacks
/// prices nothing;</item>
/// <item>amount = quantity × unit_prices; the sum is multiplied by the program's discount (list price), then by the
/// customer's (price).</item>
/// </list>
/// </summary>
public static class PricingEngine
{
    public const string Flat = "flat";

    /// <summary>The timing row in force on <paramref name="businessDate"/>, or null ("data not found" in the original).</summary>
    public static PricingTiming? InForce(PricingProgram program, DateOnly businessDate) =>
        program.Timings.Where(t => t.EnabledDate <= businessDate && businessDate < t.ExpiredDate).MaxBy(t => t.EnabledDate);

    /// <summary>The lines of <paramref name="table"/> that apply to <paramref name="usage"/>, with the program discount applied.</summary>
    public static PricingQuote Price(PricingTable table, decimal programDiscount, JsonObject usage)
    {
        var lines = ImmutableArray.CreateBuilder<PricedLine>();
        foreach (var item in table.Items)
        {
            if (!item.Filters.All(f => Matches(usage[f.Key], f.Value)))
            {
                continue;
            }

            decimal quantity;
            if (string.Equals(item.Factor, Flat, StringComparison.OrdinalIgnoreCase))
            {
                quantity = 1m;
            }
            else if (Number(usage[item.Factor]) is { } used)
            {
                quantity = used / Divisor(table, item.Unit);
            }
            else
            {
                continue;
            }

            lines.Add(new PricedLine(item.Factor, item.Unit, item.UnitPrice, quantity, quantity * item.UnitPrice * programDiscount, quantity * item.UnitCost));
        }

        var built = lines.ToImmutable();
        return new PricingQuote(built, built.Sum(l => l.Amount), built.Sum(l => l.Cost));
    }

    /// <summary>Money as quoted: two places, half away from zero (research D.7).</summary>
    public static decimal Quote(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    private static decimal Divisor(PricingTable table, string? unit) =>
        unit is null ? 1m : table.UnitValues.TryGetValue(unit, out var divisor) ? divisor : unit == "百万" ? 1_000_000m : 1m;

    private static bool Matches(JsonNode? value, string expected) =>
        Text(value) is { } actual && string.Equals(Normalize(actual), Normalize(expected), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length > 1 && trimmed[^1] is 'p' or 'P' && trimmed[..^1].All(char.IsAsciiDigit) ? trimmed[..^1] : trimmed;
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v)?.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static decimal? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<decimal>(out var d) => d,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => decimal.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        _ => null,
    };
}

/// <summary>One applied line: <c>{price_factors, unit, unit_prices, quantity, amount, cost}</c>.</summary>
public sealed record PricedLine(string Factor, string? Unit, decimal UnitPrice, decimal Quantity, decimal Amount, decimal Cost);

/// <summary>The applied lines and their sums (amount after the program discount, before the customer's).</summary>
public sealed record PricingQuote(ImmutableArray<PricedLine> Lines, decimal Amount, decimal Cost);
