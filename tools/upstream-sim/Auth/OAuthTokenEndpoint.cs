using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Auth;

/// <summary><c>POST /oauth/token</c> on the auth host: the refresh grant of research §1.2.</summary>
internal sealed class OAuthTokenEndpoint(
    RefreshTokenBook refreshTokens,
    CallCounter calls,
    SimulatorOptions options,
    ILogger<OAuthTokenEndpoint> logger)
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/oauth/token", (HttpContext context, OAuthTokenEndpoint endpoint) => endpoint.HandleAsync(context));

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var form = await ReadGrantAsync(context.Request, context.RequestAborted);
        var presented = form.GetValueOrDefault("refresh_token") ?? "";
        calls.Record(SimEndpoints.OAuthToken, refreshTokens.OwnerOf(presented)?.Email);

        if (form.GetValueOrDefault("grant_type") != "refresh_token")
        {
            return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only the refresh_token grant is supported.");
        }

        if (form.GetValueOrDefault("client_id") != OAuthClient.ClientId)
        {
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client.");
        }

        var outcome = refreshTokens.Refresh(presented);
        if (outcome.ErrorCode is not null || outcome.Account is null)
        {
            SimLog.RefreshRejected(logger, outcome.Account?.Email, outcome.ErrorCode ?? "unknown");
            return Error(StatusCodes.Status401Unauthorized, outcome.ErrorCode ?? RefreshTokenBook.Invalidated, "Could not validate your refresh token. Please try signing in again.");
        }

        var account = outcome.Account.Account;
        var now = options.TimeProvider.GetUtcNow();
        var idToken = JwtShapes.Rs256(new JsonObject
        {
            ["aud"] = new JsonArray(OAuthClient.ClientId),
            ["email"] = account.Email,
            ["email_verified"] = true,
            ["exp"] = (now + TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = "https://auth.openai.com",
            ["sub"] = "auth0|" + account.UserId,
        });
        return SimJson.Result(new JsonObject
        {
            ["access_token"] = outcome.AccessToken,
            ["expires_in"] = (long)Math.Max(0, outcome.Lifetime.TotalSeconds),
            ["id_token"] = idToken,
            ["refresh_token"] = outcome.RefreshToken,
            ["scope"] = OAuthClient.Scope,
            ["token_type"] = "Bearer",
        });
    }

    /// <summary>The documented body is JSON; a form body (standard OAuth) is accepted too.</summary>
    private static async Task<Dictionary<string, string?>> ReadGrantAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.Ordinal);
        }

        var body = await SimJson.ReadAsync(request, cancellationToken);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["grant_type"] = SimJson.String(body, "grant_type"),
            ["client_id"] = SimJson.String(body, "client_id"),
            ["refresh_token"] = SimJson.String(body, "refresh_token"),
        };
    }

    // Body shape uncertain (docs: the client treats any 4xx as "this refresh token is dead").
    private static IResult Error(int status, string code, string message) => SimJson.Result(
        new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = code },
        },
        status);
}
