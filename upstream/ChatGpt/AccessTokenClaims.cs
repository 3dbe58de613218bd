using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Auth;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// The claims the gateway reads from an access token's payload (research §1.4). The signature is not checked,
/// as no public gateway checks it: the upstream does, on every call.
/// </summary>
public sealed record AccessTokenClaims(
    DateTimeOffset? ExpiresAt,
    string? AccountId,
    string? UserId,
    string? PlanType,
    string? Email)
{
    private const string AuthClaim = "https://api.openai.com/auth";
    private const string ProfileClaim = "https://api.openai.com/profile";

    public static bool TryParse(string accessToken, [NotNullWhen(true)] out AccessTokenClaims? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(accessToken) || accessToken.AsSpan().Count('.') != 2)
        {
            return false;
        }

        if (!JwtSegment.TryParse(JwtSegment.Segment(accessToken, 1), out var payload))
        {
            return false;
        }

        using (payload)
        {
            var root = payload!.RootElement;
            var auth = Object(root, AuthClaim);
            var profile = Object(root, ProfileClaim);
            claims = new AccessTokenClaims(
                ExpiresAt: UnixSeconds(root, "exp"),
                AccountId: String(auth, "chatgpt_account_id"),
                UserId: String(auth, "chatgpt_user_id") ?? String(auth, "user_id"),
                // Uncertain (research §1.4): sources disagree on whether the plan sits in the auth object or at
                // the top level, so read the nested one first and fall back to the top level.
                PlanType: String(auth, "chatgpt_plan_type") ?? String(root, "chatgpt_plan_type"),
                Email: String(profile, "email") ?? String(root, "email"));
            return true;
        }
    }

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static DateTimeOffset? UnixSeconds(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        return value.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetDouble() * 1000));
    }
}
