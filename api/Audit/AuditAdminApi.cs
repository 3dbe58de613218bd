using System.Globalization;
using MirrorGate.Api.Admin;
using MirrorGate.GrainInterfaces.Audit;

namespace MirrorGate.Api.Audit;

/// <summary>Gateway-defined: <c>GET /api/audit</c>, the audit log of admin changes, newest first, paged (docs/adminapi.md).</summary>
public static class AuditAdminApi
{
    public const int MaxPageSize = 200;

    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/audit", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var query = context.Request.Query;
        if (!TryPositive(query["page"], 1, int.MaxValue, out var page) || !TryPositive(query["page_size"], 50, MaxPageSize, out var pageSize))
        {
            return AdminResults.BadRequest($"'page' must be a whole number from 1, 'page_size' from 1 to {MaxPageSize}.");
        }

        var actor = query["actor"].ToString() is { Length: > 0 } name ? name : null;
        var result = await grains.GetGrain<IAuditGrain>(IAuditGrain.Key).ListAsync(page, pageSize, actor);
        return Results.Json(new
        {
            total = result.Total,
            page,
            page_size = pageSize,
            entries = result.Entries.Select(e => new
            {
                id = e.Id,
                at = e.At,
                actor = e.Actor,
                role = e.Role,
                method = e.Method,
                route = e.Route,
                target = e.Target,
                summary = e.Summary,
                status = e.Status,
            }),
        });
    }

    private static bool TryPositive(string? value, int fallback, int max, out int result)
    {
        result = fallback;
        return string.IsNullOrEmpty(value) || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= 1 && result <= max);
    }
}
