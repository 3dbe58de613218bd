using MirrorGate.Api.Admin;
using MirrorGate.Api.Channels;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;

namespace MirrorGate.Api.Observability;

/// <summary>
/// <c>GET /api/stats/live?seconds=120</c> (admin): this node's live view (docs/observability.md). Each node answers
/// for the requests it served itself; accounts by state are its pool view, which every node shares.
/// </summary>
public static class LiveStatsApi
{
    public static void Map(RouteGroupBuilder admin) =>
        admin.MapGet("/stats/live", Read).WithMetadata(NotInLiveView.Instance);

    private static IResult Read(HttpContext context, LiveStats live, AccountPool accounts, ChannelPool channels)
    {
        var seconds = 120;
        if (context.Request.Query["seconds"] is { Count: > 0 } given && (!int.TryParse(given.ToString(), out seconds) || seconds is < 1 or > LiveStats.WindowSeconds))
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, $"seconds must be a whole number from 1 to {LiveStats.WindowSeconds}.");
        }

        var snapshot = live.Read(seconds);
        return Results.Json(new
        {
            node = Environment.MachineName,
            now = snapshot.Now,
            seconds = snapshot.Seconds,
            from = snapshot.Total.From,
            bucket_bounds_ms = LiveStats.BoundsMs,
            total = Series(snapshot.Total),
            series = snapshot.Series.Select(Series),
            accounts = Enum.GetValues<AccountStatus>().Select(s => new { kind = "account", state = GatewayMetrics.Label(s), count = accounts.Accounts.Count(a => a.Status == s) })
                .Concat(Enum.GetValues<ChannelKeyStatus>().Select(s => new { kind = "channel_key", state = GatewayMetrics.Label(s), count = channels.Keys.Count(k => k.Status == s) })),
            top_users = snapshot.TopUsers.Select(u => new { user = u.User, requests = u.Requests }),
        });
    }

    private static object Series(SeriesReading reading) => new
    {
        route = reading.Route,
        model = reading.Model,
        requests = reading.Requests,
        errors = reading.Errors,
        p50_ms = reading.Percentile(0.5),
        p95_ms = reading.Percentile(0.95),
        requests_per_second = reading.Points.Select(p => p.Requests),
        errors_per_second = reading.Points.Select(p => p.Errors),
        p50_ms_per_second = reading.Points.Select(p => SeriesReading.Quantile(p.Buckets, 0.5)),
        p95_ms_per_second = reading.Points.Select(p => SeriesReading.Quantile(p.Buckets, 0.95)),
    };
}
