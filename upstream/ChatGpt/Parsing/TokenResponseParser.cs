using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Parsing;

/// <summary>Reads <c>oauth/token</c> and <c>api/auth/session</c> answers (research §1.2, §1.3).</summary>
internal static class TokenResponseParser
{
    public static UpstreamResult<RefreshedTokens> Refresh(JsonElement root, DateTimeOffset now)
    {
        if (Json.NonEmpty(root, "access_token") is not { } accessToken)
        {
            return UpstreamResult<RefreshedTokens>.Fail(Json.Protocol(200, "The token endpoint answered without an access_token."));
        }

        DateTimeOffset? expiresAt = Json.Number(root, "expires_in") is { } seconds and > 0
            ? now.AddSeconds(seconds)
            : AccessTokenClaims.TryParse(accessToken, out var claims) ? claims.ExpiresAt : null;
        return UpstreamResult<RefreshedTokens>.Ok(new RefreshedTokens(accessToken, Json.NonEmpty(root, "refresh_token"), expiresAt));
    }

    /// <summary>
    /// A dead or anonymous session answers <c>200 {}</c> (no <c>accessToken</c>): that is the session token
    /// being refused, so it reads as <see cref="UpstreamFailureKind.Unauthorized"/>.
    /// </summary>
    public static UpstreamResult<SessionExchange> Session(JsonElement root, string? rotatedSessionToken)
    {
        if (Json.NonEmpty(root, "accessToken") is not { } accessToken)
        {
            return UpstreamResult<SessionExchange>.Fail(new UpstreamFailure(
                UpstreamFailureKind.Unauthorized, 200, "The session is no longer valid: the upstream returned no access token.", "session_invalid"));
        }

        return UpstreamResult<SessionExchange>.Ok(new SessionExchange(
            accessToken,
            rotatedSessionToken,
            Json.NonEmpty(Json.Property(root, "user"), "email"),
            Json.Timestamp(root, "expires")));
    }
}
