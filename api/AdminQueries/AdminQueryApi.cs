using MirrorGate.Api.Admin;
using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Api.AdminQueries;

/// <summary>
/// Gateway-defined admin lists for the console (docs/console-data.md): usage records, orders of every org and video
/// tasks, each filtered, paged newest first and exportable as CSV. In the <c>/api/*</c> admin set: the admin password
/// (or a console session), <c>{"message"}</c> errors, a 400 for any filter it cannot read.
/// </summary>
public static class AdminQueryApi
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", QueryUsageAsync);
        admin.MapGet("/orders", QueryOrdersAsync);
        admin.MapGet("/video-tasks", QueryVideoTasksAsync);
        UserDirectoryApi.Map(admin);
    }

    private static Task<IResult> QueryUsageAsync(HttpContext context, IGrainFactory grains, TimeProvider clock) =>
        RespondAsync(context, ["user", "model", "account"], clock, list => new ListShape<UsageRecord>(
            "usage",
            page => grains.GetGrain<IUsageGrain>(IUsageGrain.Key).QueryAsync(new UsageQuery(list.Filter("user"), list.Filter("model"), list.Filter("account"), page)),
            r => new PageAfter(r.At, r.RequestId),
            r => new
            {
                request_id = r.RequestId,
                at = r.At,
                user = r.UserName,
                model = r.Model,
                account = r.AccountId,
                node = r.NodeId,
                prompt_tokens = r.PromptTokens,
                completion_tokens = r.CompletionTokens,
            },
            ["request_id", "at", "user", "model", "account", "node", "prompt_tokens", "completion_tokens"],
            (csv, r) => csv.Text(r.RequestId).Time(r.At).Text(r.UserName).Text(r.Model).Text(r.AccountId).Text(r.NodeId).Number(r.PromptTokens).Number(r.CompletionTokens)));

    private static Task<IResult> QueryOrdersAsync(HttpContext context, IGrainFactory grains, TimeProvider clock) =>
        RespondAsync(context, ["org", "user", "model", "product", "kind"], clock, list => new ListShape<OrderRecord>(
            "orders",
            page => grains.GetGrain<ILedgerQueryGrain>(ILedgerQueryGrain.Key).QueryOrdersAsync(
                new OrderQuery(list.Filter("org"), list.Filter("user"), list.Filter("model"), list.Filter("product"), list.Filter("kind"), page)),
            o => new PageAfter(o.At, o.OrderId),
            o => new
            {
                order_id = o.OrderId,
                at = o.At,
                org = o.OrgId,
                user = o.UserId,
                kind = o.BusinessOp,
                product = o.ProductId,
                product_name = o.ProductName,
                model = o.Model,
                amount = o.Amount,
                cost = o.Cost,
                reseller_org = o.ResellerOrgId,
                provider_org = o.ProviderOrgId,
                status = o.Status,
                accounting_status = o.AccountingStatus,
                usage = o.UsageJson,
            },
            ["order_id", "at", "org", "user", "kind", "product", "product_name", "model", "amount", "cost", "reseller_org", "provider_org", "status", "accounting_status", "usage"],
            (csv, o) => csv.Text(o.OrderId).Time(o.At).Text(o.OrgId).Text(o.UserId).Text(o.BusinessOp).Text(o.ProductId).Text(o.ProductName).Text(o.Model)
                .Number(o.Amount).Number(o.Cost).Text(o.ResellerOrgId).Text(o.ProviderOrgId).Text(o.Status).Text(o.AccountingStatus).Text(o.UsageJson)));

    private static Task<IResult> QueryVideoTasksAsync(HttpContext context, IGrainFactory grains, TimeProvider clock)
    {
        var status = context.Request.Query["status"].ToString();
        if (status.Length > 0 && status is not (VideoStatus.Pending or VideoStatus.Succeeded or VideoStatus.Failed))
        {
            return Task.FromResult(AdminResults.BadRequest($"'status' must be {VideoStatus.Pending}, {VideoStatus.Succeeded} or {VideoStatus.Failed}."));
        }

        return RespondAsync(context, ["user", "org", "status"], clock, list => new ListShape<VideoTaskRecord>(
            "video-tasks",
            page => grains.GetGrain<IVideoTaskSearchGrain>(IVideoTaskSearchGrain.Key).QueryAsync(new VideoTaskQuery(list.Filter("user"), list.Filter("org"), list.Filter("status"), page)),
            t => new PageAfter(t.CreatedAt, t.TaskId),
            t => new
            {
                task_id = t.TaskId,
                created_at = t.CreatedAt,
                updated_at = t.UpdatedAt,
                user = t.UserId,
                org = t.OrgId,
                model = t.Model,
                status = t.Status,
                state = t.State,
                settlement = t.Settlement.ToString().ToLowerInvariant(),
                amount = t.Amount,
                error = t.Error,
            },
            ["task_id", "created_at", "updated_at", "user", "org", "model", "status", "state", "settlement", "amount", "error"],
            (csv, t) => csv.Text(t.TaskId).Time(t.CreatedAt).Time(t.UpdatedAt).Text(t.UserId).Text(t.OrgId).Text(t.Model).Text(t.Status).Text(t.State)
                .Text(t.Settlement.ToString().ToLowerInvariant()).Number(t.Amount).Text(t.Error)));
    }

    private static async Task<IResult> RespondAsync<T>(HttpContext context, string[] filters, TimeProvider clock, Func<ListRequest, ListShape<T>> shape)
    {
        if (!ListRequest.TryParse(context.Request, filters, out var list, out var error))
        {
            return AdminResults.BadRequest(error);
        }

        return await ListResponse.RespondAsync(list, shape(list), clock, context.RequestAborted);
    }
}
