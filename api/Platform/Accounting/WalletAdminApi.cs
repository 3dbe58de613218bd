using MirrorGate.Api.Admin;
using MirrorGate.Api.AdminQueries;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Grains.Wallets;

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

    /// <summary>An adjustment's idempotency key becomes part of its transaction id.</summary>
    private const int MaxKeyLength = 100;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/wallets/{orgid}", async (string orgid, IGrainFactory grains) =>
        {
            var wallet = await grains.GetGrain<IWalletGrain>(orgid).GetBalanceAsync();
            return Results.Json(new { orgid, balance = wallet.Balance, held = wallet.Held });
        });
        admin.MapGet("/wallets/{orgid}/orders", QueryOrdersAsync);
        admin.MapPost("/wallets/{orgid}/orders/{orderid}/refund", RefundAsync);
        admin.MapGet("/wallets/{orgid}/postings", QueryPostingsAsync);
        admin.MapPost("/wallets/{orgid}/adjustments", AdjustAsync);
    }

    /// <summary>The legs posted to one of the org's accounts (<c>subject</c>, default <c>balance</c>), newest first, as a console list (docs/console-data.md).</summary>
    private static async Task<IResult> QueryPostingsAsync(string orgid, HttpContext context, IGrainFactory grains, TimeProvider clock)
    {
        if (!ListRequest.TryParse(context.Request, ["subject"], out var list, out var error))
        {
            return AdminResults.BadRequest(error);
        }

        var subject = list.Filter("subject") ?? LedgerActions.Subjects.Balance;
        return await ListResponse.RespondAsync(list, new ListShape<PostingRecord>(
            "postings-" + orgid,
            page => grains.GetGrain<ILedgerQueryGrain>(ILedgerQueryGrain.Key).QueryPostingsAsync(new PostingQuery(orgid, subject, page)),
            p => new PageAfter(p.At, $"{p.TransactionId}#{p.Leg}"),
            p => new { transaction_id = p.TransactionId, leg = p.Leg, at = p.At, kind = p.Action, delta = p.Delta, order_id = p.OrderId },
            ["transaction_id", "leg", "at", "kind", "delta", "order_id"],
            (csv, p) => csv.Text(p.TransactionId).Number(p.Leg).Time(p.At).Text(p.Action).Number(p.Delta).Text(p.OrderId)), clock, context.RequestAborted);
    }

    /// <summary>
    /// An operator's manual credit (positive <c>amount</c>) or debit (negative) with its <c>reason</c>, once per
    /// client-given <c>key</c>: one ledger transaction and an <c>ADJUST</c> order, or nothing.
    /// </summary>
    private static async Task<IResult> AdjustAsync(string orgid, HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "reason", required: true, out var reason, out var error)
            || !JsonFields.TryString(body, "key", required: true, out var key, out error))
        {
            return AdminResults.BadRequest(error);
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReasonLength)
        {
            return AdminResults.BadRequest($"'reason' must say why, in 1 to {MaxReasonLength} characters.");
        }

        if (key!.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            return AdminResults.BadRequest($"'key' must be 1 to {MaxKeyLength} printable characters (the adjustment's idempotency key: send the same one when retrying).");
        }

        if (body["amount"] is not { } node || node.GetValueKind() != System.Text.Json.JsonValueKind.Number
            || !node.AsValue().TryGetValue<decimal>(out var amount) || amount == 0 || !LedgerAmounts.TryToMicros(amount, out _))
        {
            return AdminResults.BadRequest("'amount' must be a non-zero number of yuan with at most 6 decimal places: positive credits the wallet, negative debits it.");
        }

        // Who: a console session's user (it carries a role claim, the console's identity contract), else the admin
        // password's caller, audited as "admin-api" (the dashboard's scheme names every password holder "admin").
        var by = context.User.FindFirst(System.Security.Claims.ClaimTypes.Role) is not null && context.User.Identity?.Name is { Length: > 0 } name ? name : "admin-api";
        var result = await grains.GetGrain<IWalletGrain>(orgid).AdjustAsync(key, amount, reason.Trim(), by);
        return result.Outcome switch
        {
            WalletOutcome.Done or WalletOutcome.AlreadyDone => Results.Json(new
            {
                orgid,
                adjustment_id = WalletGrain.AdjustmentId(orgid, key),
                amount,
                already_applied = result.Outcome == WalletOutcome.AlreadyDone,
                balance = result.Balance,
            }),
            WalletOutcome.Insufficient => AdminResults.Error(StatusCodes.Status409Conflict,
                $"Debiting {-amount} would take wallet {orgid} below its floor (Wallets:MinBalance); its balance is {result.Balance}. Nothing was written."),
            WalletOutcome.KeyConflict => AdminResults.Error(StatusCodes.Status409Conflict,
                $"The key '{key}' was already used for another adjustment of wallet {orgid}; use a new key for a new adjustment. Nothing was written."),
            _ => AdminResults.BadRequest("'amount' must be a non-zero number of yuan with at most 6 decimal places."),
        };
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
                refund_order_id = WalletGrain.RefundOrderId(orderid),
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
