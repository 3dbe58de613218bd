using MirrorGate.Api.Admin;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Api.Platform.Accounting;

/// <summary>
/// Gateway-defined admin routes on one org's wallet (the <c>/api/*</c> admin set: admin password, <c>{"message"}</c>
/// errors; docs/ledger.md): its balance, its orders, and the refund of a settled charge. The org is in the path, as
/// the console reaches an order through its wallet; a front end needs no database to serve them.
/// </summary>
public static class WalletAdminApi
{
    /// <summary>A refund's reason is kept in its order; this bounds what an operator types.</summary>
    private const int MaxReasonLength = 200;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/wallets/{orgid}", async (string orgid, IGrainFactory grains) =>
        {
            var wallet = await grains.GetGrain<IWalletGrain>(orgid).GetBalanceAsync();
            return Results.Json(new { orgid, balance = wallet.Balance, held = wallet.Held });
        });
        admin.MapGet("/wallets/{orgid}/orders", QueryOrdersAsync);
        admin.MapPost("/wallets/{orgid}/orders/{orderid}/refund", RefundAsync);
    }

    private static async Task<IResult> QueryOrdersAsync(string orgid, HttpContext context, IGrainFactory grains)
    {
        var query = context.Request.Query;
        if (!TryPositive(query["page"], 1, out var page) || !TryPositive(query["pagerows"], 80, out var pageRows) || pageRows > 1000)
        {
            return AdminResults.BadRequest("'page' and 'pagerows' must be whole numbers from 1 ('pagerows' at most 1000).");
        }

        var orders = await grains.GetGrain<IWalletGrain>(orgid).QueryOrdersAsync(page, pageRows);
        return Results.Json(new { total = orders.Total, rows = orders.Rows });
    }

    private static async Task<IResult> RefundAsync(string orgid, string orderid, HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "reason", required: true, out var reason, out var error))
        {
            return AdminResults.BadRequest(error);
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            return AdminResults.BadRequest($"'reason' must say why, in 1 to {MaxReasonLength} characters.");
        }

        var result = await grains.GetGrain<IWalletGrain>(orgid).RefundAsync(orderid, reason.Trim());
        return result.Outcome switch
        {
            WalletOutcome.Done or WalletOutcome.AlreadyDone => Results.Json(new
            {
                orgid,
                order_id = orderid,
                refund_order_id = Grains.Wallets.WalletGrain.RefundOrderId(orderid),
                already_refunded = result.Outcome == WalletOutcome.AlreadyDone,
                balance = result.Balance,
            }),
            _ => AdminResults.Error(StatusCodes.Status404NotFound, $"Wallet {orgid} has no settled charge {orderid} to refund (recharges and refunds cannot be refunded)."),
        };
    }

    private static bool TryPositive(string? text, int fallback, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value > 0);
    }
}
