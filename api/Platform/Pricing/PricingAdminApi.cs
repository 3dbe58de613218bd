using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.Api.Admin;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Pricing;
using MirrorGate.Grains.Pricing;

namespace MirrorGate.Api.Platform.Pricing;

/// <summary>
/// Gateway-defined admin routes (the <c>/api/*</c> admin set: admin password, <c>{"message"}</c> errors) that define
/// what the platform sells, documented in docs/ledger.md: pricing programs with their effective-dated YAML tables,
/// LLM products (llmid → name, model, ppid, reseller and provider orgs), and a reseller's discount for a customer.
/// A program's tables are parsed when put, so a bad one is refused with the reason, never stored.
/// </summary>
public static class PricingAdminApi
{
    /// <summary>The original's open-ended <c>expired_date</c> (research D.2).</summary>
    private static readonly DateOnly OpenEnded = new(9999, 12, 31);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/pricing/programs", PutProgramAsync);
        admin.MapGet("/pricing/programs", ListProgramsAsync);
        admin.MapGet("/pricing/programs/{ppid}", async (string ppid, IGrainFactory grains) =>
            await grains.GetGrain<IPricingProgramGrain>(ppid).GetAsync() is { } program ? Results.Json(ProgramJson(program)) : AdminResults.Error(404, $"No pricing program {ppid}."));
        admin.MapPost("/pricing/llms", PutProductAsync);
        admin.MapGet("/pricing/llms/{llmid}", async (string llmid, IGrainFactory grains) =>
            await grains.GetGrain<ILlmProductGrain>(llmid).GetAsync() is { } product ? Results.Json(ProductJson(product)) : AdminResults.Error(404, $"No LLM product {llmid}."));
        admin.MapPost("/pricing/discounts", PutDiscountAsync);

        // The admin twin of /pricing/test_pricing_program.dspy (which needs a platform login): the console's price preview.
        admin.MapPost("/pricing/preview", PreviewAsync).WithMetadata(Console.ReadsOnly.Instance);
    }

    /// <summary><c>{"ppid", "data": {usage}}</c> → the quote of the program in force today, as the test endpoint answers it.</summary>
    private static async Task<IResult> PreviewAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains, [FromKeyedServices(Grains.Hosting.GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "ppid", required: true, out var ppid, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (body["data"] is not JsonObject usage)
        {
            return AdminResults.BadRequest("'data' must be the usage dict, e.g. {\"duration\": 5, \"SR\": 720}.");
        }

        var (quote, failure) = await PricingApi.QuoteAsync(grains, ppid!, usage, time);
        if (quote is null)
        {
            return AdminResults.BadRequest(failure!);
        }

        return Results.Json(new JsonObject
        {
            ["ppid"] = ppid,
            ["data"] = usage.DeepClone(),
            ["result"] = new JsonArray([.. quote.Lines.Select(PricingApi.Line)]),
            ["amount"] = quote.Amount,
            ["cost"] = quote.Cost,
        });
    }

    /// <summary>Every program put so far: id, name and owner, in id order (the console's list).</summary>
    private static async Task<IResult> ListProgramsAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IPricingProgramListGrain>(IPricingProgramListGrain.Key).ListAsync();
        var programs = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPricingProgramGrain>(id).GetAsync()));
        return Results.Json(new JsonObject
        {
            ["programs"] = new JsonArray([.. programs.OfType<PricingProgram>().Select(p => (JsonNode)new JsonObject { ["id"] = p.Id, ["name"] = p.Name, ["ownerid"] = p.OwnerOrgId })]),
        });
    }

    private static async Task<IResult> PutProgramAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "id", required: true, out var id, out var error)
            || !JsonFields.TryString(body, "name", required: true, out var name, out error)
            || !JsonFields.TryString(body, "ownerid", required: true, out var owner, out error)
            || !JsonFields.TryString(body, "providerid", required: false, out var provider, out error)
            || !TryDecimal(body, "discount", 1m, out var discount, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (body["timings"] is not JsonArray { Count: > 0 } timingNodes)
        {
            return AdminResults.BadRequest("'timings' must be a non-empty list of {enabled_date, expired_date, pricing_data}.");
        }

        var timings = ImmutableArray.CreateBuilder<PricingTiming>();
        foreach (var node in timingNodes)
        {
            var index = timings.Count + 1;
            if (node is not JsonObject timing
                || !JsonFields.TryString(timing, "pricing_data", required: true, out var data, out error)
                || !TryDate(timing, "enabled_date", DateOnly.MinValue, out var enabled, out error)
                || !TryDate(timing, "expired_date", OpenEnded, out var expired, out error))
            {
                return AdminResults.BadRequest($"timings[{index}]: {error ?? "must be an object"}");
            }

            if (expired <= enabled)
            {
                return AdminResults.BadRequest($"timings[{index}]: expired_date must be after enabled_date.");
            }

            if (PricingTable.Parse(data!).Error is { } invalid)
            {
                return AdminResults.BadRequest($"timings[{index}]: {invalid}");
            }

            timings.Add(new PricingTiming(enabled, expired, data!));
        }

        var program = new PricingProgram(id!, name!, owner!, provider, discount, timings.ToImmutable());
        await grains.GetGrain<IPricingProgramGrain>(program.Id).PutAsync(program);
        await grains.GetGrain<IPricingProgramListGrain>(IPricingProgramListGrain.Key).AddAsync(program.Id);
        return Results.Json(ProgramJson(program));
    }

    private static async Task<IResult> PutProductAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "llmid", required: true, out var llmid, out var error)
            || !JsonFields.TryString(body, "name", required: true, out var name, out error)
            || !JsonFields.TryString(body, "model", required: true, out var model, out error)
            || !JsonFields.TryString(body, "ppid", required: true, out var ppid, out error)
            || !JsonFields.TryString(body, "ownerid", required: true, out var owner, out error)
            || !JsonFields.TryString(body, "providerid", required: false, out var provider, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (await grains.GetGrain<IPricingProgramGrain>(ppid!).GetAsync() is null)
        {
            return AdminResults.BadRequest($"No pricing program {ppid}: put it first.");
        }

        var product = new LlmProduct(llmid!, name!, model!, ppid!, owner!, provider);
        await grains.GetGrain<ILlmProductGrain>(product.LlmId).PutAsync(product);
        return Results.Json(ProductJson(product));
    }

    private static async Task<IResult> PutDiscountAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "resellerid", required: true, out var reseller, out var error)
            || !JsonFields.TryString(body, "customerid", required: true, out var customer, out error)
            || !TryDecimal(body, "discount", null, out var discount, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        await grains.GetGrain<ICustomerDiscountGrain>(ICustomerDiscountGrain.KeyOf(reseller!, customer!)).SetAsync(discount);
        return Results.Json(new { resellerid = reseller, customerid = customer, discount });
    }

    /// <summary>A discount multiplier in (0, 1] given as a JSON number or text; <paramref name="fallback"/> when absent (null = required).</summary>
    private static bool TryDecimal(JsonObject body, string name, decimal? fallback, out decimal value, out string? error)
    {
        error = null;
        value = fallback ?? 0m;
        var text = body[name] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
        if (text is null)
        {
            error = fallback is null ? $"Missing '{name}'." : null;
            return fallback is not null;
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || value <= 0 || value > 1)
        {
            error = $"Invalid value for '{name}': a number greater than 0 and at most 1.";
            return false;
        }

        return true;
    }

    private static bool TryDate(JsonObject body, string name, DateOnly fallback, out DateOnly value, out string? error)
    {
        value = fallback;
        if (!JsonFields.TryString(body, name, required: false, out var text, out error))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            error = $"Invalid value for '{name}': a date YYYY-MM-DD.";
            return false;
        }

        return true;
    }

    private static JsonObject ProgramJson(PricingProgram p) => new()
    {
        ["id"] = p.Id,
        ["name"] = p.Name,
        ["ownerid"] = p.OwnerOrgId,
        ["providerid"] = p.ProviderOrgId,
        ["discount"] = p.Discount,
        ["timings"] = new JsonArray([.. p.Timings.Select(t => new JsonObject
        {
            ["enabled_date"] = t.EnabledDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["expired_date"] = t.ExpiredDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["pricing_data"] = t.PricingData,
        })]),
    };

    private static JsonObject ProductJson(LlmProduct p) => new()
    {
        ["llmid"] = p.LlmId,
        ["name"] = p.Name,
        ["model"] = p.Model,
        ["ppid"] = p.Ppid,
        ["ownerid"] = p.ResellerOrgId,
        ["providerid"] = p.ProviderOrgId,
    };
}
