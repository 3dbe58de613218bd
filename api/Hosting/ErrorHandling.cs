using MirrorGate.Api.Admin;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.Api.Hosting;

/// <summary>
/// The last line: an exception no handler expected still gets an answer in its API family's shape.
/// A lost state-version race (<see cref="InconsistentStateException"/>) and an unreachable cluster
/// database (<see cref="StorageUnavailableException"/>) are retryable 503s; anything
/// else is a 500 whose body says nothing internal. A response already under way is aborted, so the
/// client never mistakes it for a complete one.
/// </summary>
public static partial class ErrorHandling
{
    public static IApplicationBuilder UseMirrorGateErrors(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("MirrorGate.Api.Errors");
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                var path = context.Request.Path.Value ?? "/";
                LogUnhandled(logger, ex, context.Request.Method, path);
                if (context.Response.HasStarted)
                {
                    context.Abort();
                    return;
                }

                var (status, code, message) = ex switch
                {
                    InconsistentStateException => (StatusCodes.Status503ServiceUnavailable, "concurrent_update", "A concurrent change got in the way of this request; retry it."),
                    StorageUnavailableException => (StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The gateway's database cannot be reached right now; nothing was done. Retry shortly."),
                    _ => (StatusCodes.Status500InternalServerError, "internal_error", "The gateway failed to handle this request."),
                };
                var retryable = status == StatusCodes.Status503ServiceUnavailable;
                context.Response.Clear();
                if (retryable)
                {
                    RetryAfter.Set(context.Response, TimeSpan.FromSeconds(1));
                }

                var result = path.StartsWith("/api/", StringComparison.Ordinal) ? AdminResults.Error(status, message)
                    : path.StartsWith("/backend-api/", StringComparison.Ordinal) ? BackendErrors.Result(status, message, code)
                    : OpenAiErrors.Result(status, message, code);
                await result.ExecuteAsync(context);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
