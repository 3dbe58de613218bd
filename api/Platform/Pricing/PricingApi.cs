using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Platform.Accounting;
using MirrorGate.GrainInterfaces.Pricing;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Pricing;

namespace MirrorGate.Api.Platform.Pricing;

/// <summary>
/// Quoting with pricing programs (seed 003): <c>/pricing/test_pricing_program.dspy</c> prices a usage dict with a
/// program (answer per research D.7: the applied lines as <c>result</c>, with <c>amount</c> and <c>cost</c>), and
/// <c>/platformbiz/product_query_price.dspy</c> quotes an LLM product for the caller's org: <c>list_price</c> before
/// the customer's discount, <c>price</c> after it, both to 2 places. The business date is the gateway's local date.
/// </summary>
public static class PricingApi
{
    public static IEndpointRouteBuilder MapPricing(this IEndpointRouteBuilder platform)
    {
        platform.MapDspy("/pricing/test_pricing_program.dspy", TestProgramAsync);
        platform.MapDspy("/platformbiz/product_query_price.dspy", QueryPriceAsync);
        return platform;
    }

    private static async Task<IResult> TestProgramAsync(HttpContext context, FieldsReader fields, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        if (await PlatformLogin.CallerAsync(context) is null)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        if (parameters.Text("ppid") is not { } ppid)
        {
            return DspyResults.Error("need a ppid");
        }

        if (parameters.Structured("data") is not JsonObject usage)
        {
            return DspyResults.Error("need a data (the usage dict)");
        }

        var (quote, failure) = await QuoteAsync(grains, ppid, usage, time);
        if (quote is null)
        {
            return DspyResults.Error(failure!);
        }

        return DspyResults.Ok(new JsonObject
        {
            ["ppid"] = ppid,
            ["data"] = usage.DeepClone(),
            ["result"] = new JsonArray([.. quote.Lines.Select(Line)]),
            ["amount"] = quote.Amount,
            ["cost"] = quote.Cost,
        });
    }

    private static async Task<IResult> QueryPriceAsync(HttpContext context, FieldsReader fields, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        if ((parameters.Text("product_type") ?? "llm") != "llm")
        {
            return DspyResults.Error("product_type 只支持 llm");
        }

        if (parameters.Text("product_id") is not { } llmid)
        {
            return DspyResults.Error("need a llmid");
        }

        if (parameters.Structured("config_data") is not JsonObject config)
        {
            return DspyResults.Error("need a config_data");
        }

        if (await grains.GetGrain<ILlmProductGrain>(llmid).GetAsync() is not { } product)
        {
            return DspyResults.Error($"没有找到产品 {llmid}");
        }

        var (quote, failure) = await QuoteAsync(grains, product.Ppid, config, time);
        if (quote is null)
        {
            return DspyResults.Error(failure!);
        }

        var discount = await grains.GetGrain<ICustomerDiscountGrain>(ICustomerDiscountGrain.KeyOf(product.ResellerOrgId, caller.OrgId)).GetAsync();
        return DspyResults.Ok(new JsonObject
        {
            ["list_price"] = PricingEngine.Quote(quote.Amount),
            ["price"] = PricingEngine.Quote(quote.Amount * discount),
            ["config_data"] = config.DeepClone(),
        });
    }

    // Keyed by the YAML text, so a program put again with a new table is parsed afresh; programs are few and operator-made.
    private static readonly ConcurrentDictionary<string, (PricingTable? Table, string? Error)> ParsedTables = new(StringComparer.Ordinal);

    /// <summary>Prices <paramref name="usage"/> with the program <paramref name="ppid"/> in force today; the error in the platform's words when it cannot.</summary>
    internal static async Task<(PricingQuote? Quote, string? Error)> QuoteAsync(IGrainFactory grains, string ppid, JsonObject usage, TimeProvider time)
    {
        if (await grains.GetGrain<IPricingProgramGrain>(ppid).GetAsync() is not { } program)
        {
            return (null, $"没有找到定价项目 {ppid}");
        }

        if (PricingEngine.InForce(program, DateOnly.FromDateTime(time.GetLocalNow().DateTime)) is not { } timing)
        {
            return (null, "data not found: 定价项目没有当前生效的定价数据");
        }

        // Stored programs were checked when put; a parse failure here means a program stored by another version. Every
        // paid /v1 call prices twice (estimate, then usage): a table is parsed once per document text, not per call.
        var (table, error) = ParsedTables.GetOrAdd(timing.PricingData, PricingTable.Parse);
        return table is null ? (null, error) : (PricingEngine.Price(table, program.Discount, usage), null);
    }

    internal static JsonObject Line(PricedLine line) => new()
    {
        ["price_factors"] = line.Factor,
        ["unit"] = line.Unit,
        ["unit_prices"] = line.UnitPrice,
        ["quantity"] = line.Quantity,
        ["amount"] = line.Amount,
        ["cost"] = line.Cost,
    };
}
