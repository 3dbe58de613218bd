using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.AuthHelpers;

/// <summary>
/// Aurora's token helpers, open like Aurora's (no key: the caller brings the token it exchanges):
/// <list type="bullet">
/// <item><c>POST /auth/refresh</c> <c>{"refresh_token"}</c> → the OAuth answer: <c>access_token</c>, <c>token_type</c>,
/// <c>expires_in</c> when known, and <c>refresh_token</c> when the upstream rotated it (keep it: the old one is spent).
/// Aurora relays the upstream's JSON as it is; fields the client does not read back (<c>id_token</c>, <c>scope</c>) are
/// not relayed here.</item>
/// <item><c>POST /auth/session</c> <c>{"session_token"}</c> → <c>{"session_token","accessToken","access_token"}</c>: the
/// rotated session token (or the same one when none came back), and the access token under Aurora's key and the
/// snake-case key its document names.</item>
/// </list>
/// Errors are OpenAI's error object with the upstream's status, as Aurora answers them. A token the gateway holds an
/// account for is refused with 409 (<see cref="PooledTokenGuard"/>).
/// </summary>
public static class AuthHelpersApi
{
    public static IEndpointRouteBuilder MapAuthHelpers(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").InFamily(ApiFamily.OpenAi);
        auth.MapPost("/refresh", RefreshAsync);
        auth.MapPost("/session", SessionAsync);
        return routes;
    }

    private static async Task<IResult> RefreshAsync(HttpContext context, JsonBodyReader reader, PooledTokenGuard guard, IChatGptClient upstream, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (token, problem) = await ReadTokenAsync(context, reader, "refresh_token");
        if (token is null)
        {
            return problem!;
        }

        if (await guard.IsHeldAsync(token, refreshToken: true))
        {
            return HeldByGateway("refresh");
        }

        var result = await upstream.RefreshAsync(token, null, context.RequestAborted);
        if (!result.IsSuccess)
        {
            return UpstreamError(result.Failure, "refresh_token_invalid");
        }

        var refreshed = result.Value;
        var body = new Dictionary<string, object?> { ["access_token"] = refreshed.AccessToken, ["token_type"] = "Bearer" };
        if (refreshed.ExpiresAt is { } expiresAt)
        {
            body["expires_in"] = Math.Max(0, (long)(expiresAt - time.GetUtcNow()).TotalSeconds);
        }

        if (refreshed.RefreshToken is { } rotated)
        {
            body["refresh_token"] = rotated;
        }

        return Results.Json(body);
    }

    private static async Task<IResult> SessionAsync(HttpContext context, JsonBodyReader reader, PooledTokenGuard guard, IChatGptClient upstream)
    {
        var (token, problem) = await ReadTokenAsync(context, reader, "session_token");
        if (token is null)
        {
            return problem!;
        }

        if (await guard.IsHeldAsync(token, refreshToken: false))
        {
            return HeldByGateway("session");
        }

        var result = await upstream.ExchangeSessionTokenAsync(token, null, context.RequestAborted);
        if (!result.IsSuccess)
        {
            return UpstreamError(result.Failure, "session_token_invalid");
        }

        var exchange = result.Value;
        return Results.Json(new Dictionary<string, object?>
        {
            ["session_token"] = exchange.SessionToken ?? token,
            ["accessToken"] = exchange.AccessToken,
            ["access_token"] = exchange.AccessToken,
        });
    }

    private static async Task<(string? Token, IResult? Problem)> ReadTokenAsync(HttpContext context, JsonBodyReader reader, string field)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is null)
        {
            return (null, OpenAiErrors.FromBody(read));
        }

        if (!JsonFields.TryString(read.Body, field, required: true, out var token, out var error))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, error, "invalid_request_error", field));
        }

        var trimmed = token!.Trim();
        return trimmed.Length == 0 || trimmed.Any(char.IsControl)
            ? (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid value for '{field}': not a token.", "invalid_request_error", field))
            : (trimmed, null);
    }

    private static IResult HeldByGateway(string kind) => OpenAiErrors.Result(StatusCodes.Status409Conflict,
        $"This {kind} token belongs to an account this gateway holds; exchanging it here would revoke that account's tokens. Use the account through the gateway instead.",
        "token_held_by_gateway");

    /// <summary>The upstream's own status (Aurora passes it on); no answer at all is a 502.</summary>
    private static IResult UpstreamError(UpstreamFailure failure, string refusedCode) => failure.StatusCode is >= 400 and <= 599 and var status
        ? OpenAiErrors.Result(status, failure.Message, failure.Kind is UpstreamFailureKind.Unauthorized ? failure.Code ?? refusedCode : failure.Code ?? "upstream_error")
        : OpenAiErrors.Result(failure.Kind is UpstreamFailureKind.Unauthorized ? StatusCodes.Status401Unauthorized : StatusCodes.Status502BadGateway, failure.Message,
            failure.Kind is UpstreamFailureKind.Unauthorized ? refusedCode : "upstream_error");
}
