using System.Diagnostics;

namespace MirrorGate.Api.Observability;

/// <summary>
/// The one recording point: times every request, hands the handlers a <see cref="RequestRecord"/> to fill in, and
/// when the request has ended records it once (<see cref="GatewayMetrics.Record"/>: counters, added latency, live view).
/// Runs outside the error handler, so a request that threw is recorded with the status it was answered with.
/// </summary>
public sealed class RequestRecording(RequestDelegate next, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var record = new RequestRecord();
        context.Features.Set(record);
        try
        {
            await next(context);
        }
        finally
        {
            metrics.Record(context, record, Stopwatch.GetTimestamp() - started);
        }
    }
}
