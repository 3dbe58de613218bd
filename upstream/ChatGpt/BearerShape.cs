using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Auth;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Recognises what a bearer value is, by shape only (docs/chatgpt-upstream.md, credential table).</summary>
public static class BearerShape
{
    private const int MinRefreshTokenLength = 20;

    public static BearerKind Classify(string token)
    {
        if (string.IsNullOrEmpty(token) || ContainsWhitespace(token))
        {
            return BearerKind.Unknown;
        }

        if (Guid.TryParse(token, out _))
        {
            return BearerKind.DeviceId;
        }

        if (token.StartsWith("eyJ", StringComparison.Ordinal))
        {
            return ClassifyJose(token);
        }

        return token.Length >= MinRefreshTokenLength ? BearerKind.RefreshToken : BearerKind.Unknown;
    }

    private static BearerKind ClassifyJose(string token)
    {
        var segments = token.AsSpan().Count('.') + 1;
        if (segments < 3 || !JwtSegment.TryParse(JwtSegment.Segment(token, 0), out var header))
        {
            // Looks like a JOSE value but is not one: refusing is safer than calling it a refresh token.
            return BearerKind.Unknown;
        }

        using (header)
        {
            if (!header!.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
            {
                return BearerKind.Unknown;
            }

            // Uncertain (docs): next-auth session cookies are recognised as "alg":"dir" JWEs from next-auth's
            // defaults, not from a capture. They are compact JWEs with five segments and an empty key part.
            if (alg.ValueEquals("dir"))
            {
                return BearerKind.SessionToken;
            }

            return segments == 3 ? BearerKind.AccessToken : BearerKind.Unknown;
        }
    }

    private static bool ContainsWhitespace(string token)
    {
        foreach (var ch in token)
        {
            if (char.IsWhiteSpace(ch))
            {
                return true;
            }
        }

        return false;
    }
}
