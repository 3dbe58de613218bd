using MirrorGate.Api.Chat;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Errors;
using Orleans.Storage;

namespace MirrorGate.Api.Hosting;

/// <summary>
/// The last line: an exception no handler expected still gets an answer in its API family's shape, picked by the
/// endpoint that failed. A malformed request (a bad chunk, a body over Kestrel's limit) answers the request
/// exception's own status; a lost state-version race, an unreachable store and an unreachable cluster are
/// retryable 503s; anything else is a 500 whose body says nothing internal. A response already under way is
/// aborted, so the client never mistakes it for a complete one.
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
                var (status, code, message) = Classify(ex);
                if (status >= StatusCodes.Status500InternalServerError)
                {
                    LogUnhandled(logger, ex, context.Request.Method, path);
                }
                else
                {
                    LogBadRequest(logger, context.Request.Method, path, ex.Message);
                }

                if (context.Response.HasStarted)
                {
                    context.Abort();
                    return;
                }

                context.Response.Clear();
                var retryAfter = status == StatusCodes.Status503ServiceUnavailable ? TimeSpan.FromSeconds(1) : (TimeSpan?)null;
                if (retryAfter is { } wait)
                {
                    RetryAfter.Set(context.Response, wait);
                }

                await ApiFamilies.Error(ApiFamilies.Of(context), status, message, code).ExecuteAsync(context);
            }
        });
    }

    private static (int Status, string Code, string Message) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "invalid_request", "The request could not be read: " + bad.Message),
        InconsistentStateException => (StatusCodes.Status503ServiceUnavailable, "concurrent_update", "A concurrent change got in the way of this request; retry it."),
        StorageUnavailableException => (StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The gateway's database cannot be reached right now; nothing was done. Retry shortly."),
        _ when GatewayFailure.IsClusterFailure(exception)
            => (StatusCodes.Status503ServiceUnavailable, "cluster_unavailable", "The gateway's cluster is not reachable right now (a node may be restarting); retry shortly."),
        _ => (StatusCodes.Status500InternalServerError, "internal_error", "The gateway failed to handle this request."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unreadable request {Method} {Path}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string method, string path, string reason);
}
