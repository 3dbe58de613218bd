using MirrorGate.Api.Chat;
using MirrorGate.Api.Http;

namespace MirrorGate.Api.BackendApi;

/// <summary>Errors of the ChatGPT pass-through, shaped like the backend's own: <c>{"detail":{"message","code"}}</c>.</summary>
public static class BackendErrors
{
    public static IResult Result(int status, string message, string? code, TimeSpan? retryAfter = null) =>
        new BackendErrorResult(status, message, code, retryAfter);

    public static IResult From(GatewayFailure failure) => Result(failure.Status, failure.Message, failure.Code, failure.RetryAfter);

    private sealed class BackendErrorResult(int status, string message, string? code, TimeSpan? retryAfter) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                RetryAfter.Set(httpContext.Response, wait);
            }

            var detail = new Dictionary<string, object?> { ["message"] = message, ["code"] = code };
            if (retryAfter is { } r)
            {
                detail["clears_in"] = (int)Math.Ceiling(r.TotalSeconds);
            }

            await httpContext.Response.WriteAsJsonAsync(new Dictionary<string, object?> { ["detail"] = detail }, httpContext.RequestAborted);
        }
    }
}
