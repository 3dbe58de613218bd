using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Credential strings shaped like the real ones (docs/chatgpt-upstream.md, "Credentials").
/// Signatures are random bytes: clients never verify them, and the simulator recognises its tokens
/// by looking them up, not by checking a signature.</summary>
internal static class JwtShapes
{
    // {"alg":"RS256","typ":"JWT"} — so access tokens start with eyJhbGciOiJSUzI1NiI like the real ones.
    private static readonly string Rs256Header = Base64UrlText.Encode("""{"alg":"RS256","typ":"JWT"}""");
    private static readonly string Es256Header = Base64UrlText.Encode("""{"alg":"ES256","typ":"JWT"}""");

    // next-auth's default JWE header. Uncertain: inferred from next-auth's defaults, not from a capture.
    private static readonly string SessionHeader = Base64UrlText.Encode("""{"alg":"dir","enc":"A256GCM"}""");

    public static string Rs256(JsonObject payload) =>
        $"{Rs256Header}.{Base64UrlText.Encode(payload.ToJsonString())}.{Base64UrlText.RandomBytes(256)}";

    /// <summary>ES256 like the conduit token of HAR1.</summary>
    public static string Es256(JsonObject payload) =>
        $"{Es256Header}.{Base64UrlText.Encode(payload.ToJsonString())}.{Base64UrlText.RandomBytes(64)}";

    /// <summary>Compact JWE with an empty key part: header..iv.ciphertext.tag.</summary>
    public static string SessionJwe() =>
        $"{SessionHeader}..{Base64UrlText.RandomBytes(12)}.{Base64UrlText.RandomBytes(480)}.{Base64UrlText.RandomBytes(16)}";

    /// <summary>Opaque refresh token: <c>rt_</c> + 64 url-safe characters.</summary>
    public static string RefreshToken() => "rt_" + Base64UrlText.RandomChars(64);
}
