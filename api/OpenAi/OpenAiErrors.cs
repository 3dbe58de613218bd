using MirrorGate.Api.Chat;
using MirrorGate.Api.Http;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// Errors of the OpenAI-compatible API, as OpenAI shapes them:
/// <c>{"error":{"message","type","param","code"}}</c>. A 429 also carries ChatGPT's
/// <c>{"detail":{"code","message","clears_in"}}</c>, which chatgpt-gateway's clients read, and a
/// <c>Retry-After</c> header.
/// </summary>
public static class OpenAiErrors
{
    public static IResult Result(int status, string message, string? code, string? param = null, TimeSpan? retryAfter = null) =>
        new OpenAiErrorResult(status, message, code, param, retryAfter);

    /// <summary>A body that could not be read as a JSON object: 413 <c>request_too_large</c>, else 400 <c>invalid_json</c>.</summary>
    public static IResult FromBody(BodyRead read) => read.Problem is BodyProblem.TooLarge
        ? Result(StatusCodes.Status413PayloadTooLarge, read.Message!, "request_too_large")
        : Result(StatusCodes.Status400BadRequest, read.Message!, "invalid_json");

    public static IResult From(GatewayFailure failure) => Result(failure.Status, failure.Message, failure.Code, null, failure.RetryAfter);

    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_request_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private sealed class OpenAiErrorResult(int status, string message, string? code, string? param, TimeSpan? retryAfter) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                RetryAfter.Set(response, wait);
            }

            var error = new Dictionary<string, object?> { ["message"] = message, ["type"] = TypeFor(status), ["param"] = param, ["code"] = code };
            object body = status == StatusCodes.Status429TooManyRequests
                ? new Dictionary<string, object?>
                {
                    ["error"] = error,
                    ["detail"] = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["clears_in"] = retryAfter is { } r ? (int)Math.Ceiling(r.TotalSeconds) : null },
                }
                : new Dictionary<string, object?> { ["error"] = error };
            await response.WriteAsJsonAsync(body, httpContext.RequestAborted);
        }
    }
}
