using System.Diagnostics;

namespace MirrorGate.Api.Hosting;

/// <summary>
/// One access-log event per request (method, path, status, time), inside a scope that carries the
/// request id, so every event a request causes can be found together. Tokens never reach it: only
/// the path is logged, never headers or query strings.
/// </summary>
public static partial class RequestLogging
{
    public static IApplicationBuilder UseMirrorGateRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("MirrorGate.Api.Requests");
        return app.Use(async (context, next) =>
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = context.TraceIdentifier });
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs);
}
