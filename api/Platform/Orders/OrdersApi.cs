using System.Globalization;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Platform.Accounting;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Platform.Orders;

/// <summary>
/// <c>/platformbiz/query_orders.dspy</c> (seed 003 "查询交易明细"): the caller org's orders, newest first, paged with
/// <c>page</c> (default 1) and <c>pagerows</c> (default 80) as sqlor pages, <c>{total, rows}</c>. Rows carry the seed's
/// fields (llmid, name, model, use_date, use_time, usage, amount, userid, userorgid, status, accounting_status) plus the
/// order id and its business op (<c>PAY</c>, <c>RECHARGE</c>). Times are the gateway's local time, in the original's
/// <c>YYYY-MM-DD HH:MM:SS.mmm</c> spelling (research D.2).
/// </summary>
public static class OrdersApi
{
    public const int DefaultPageRows = 80;

    /// <summary>The largest page served: a bigger <c>pagerows</c> is refused rather than loading a whole history.</summary>
    public const int MaxPageRows = 1000;

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder platform)
    {
        platform.MapDspy("/platformbiz/query_orders.dspy", QueryOrdersAsync);
        return platform;
    }

    private static async Task<IResult> QueryOrdersAsync(HttpContext context, FieldsReader fields, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
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

        var page = parameters.Integer("page", out var pageValid) ?? 1;
        var pageRows = parameters.Integer("pagerows", out var rowsValid) ?? DefaultPageRows;
        if (!pageValid || page < 1 || page > int.MaxValue / MaxPageRows)
        {
            return DspyResults.Error("page 必须是正整数");
        }

        if (!rowsValid || pageRows < 1 || pageRows > MaxPageRows)
        {
            return DspyResults.Error($"pagerows 必须是 1 到 {MaxPageRows} 的整数");
        }

        var orders = await grains.GetGrain<IWalletGrain>(caller.OrgId).QueryOrdersAsync((int)page, (int)pageRows);
        return DspyResults.Page(orders.Total, orders.Rows.Select(o => Row(o, time)).ToList());
    }

    private static JsonObject Row(OrderRow order, TimeProvider time) => new()
    {
        ["id"] = order.OrderId,
        ["business_op"] = order.BusinessOp,
        ["llmid"] = order.ProductId,
        ["name"] = order.Name,
        ["model"] = order.Model,
        ["use_date"] = order.UseDate,
        ["use_time"] = TimeZoneInfo.ConvertTime(order.UseTime, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        ["usage"] = ParseUsage(order.UsageJson),
        ["amount"] = order.Amount,
        ["userid"] = order.UserId,
        ["userorgid"] = order.UserOrgId,
        ["status"] = order.Status,
        ["accounting_status"] = order.AccountingStatus,
    };

    private static JsonNode? ParseUsage(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }
}
