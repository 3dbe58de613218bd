namespace MirrorGate.Upstream.ChatGpt;

/// <summary>What a bearer value presented to the gateway is (docs/chatgpt-upstream.md, credential table).</summary>
public enum BearerKind
{
    /// <summary>Could not be recognised.</summary>
    Unknown,

    /// <summary>An RS256 (non-<c>dir</c>) JWT.</summary>
    AccessToken,

    /// <summary>A next-auth JWE (<c>"alg":"dir"</c>), the <c>__Secure-next-auth.session-token</c> cookie value.</summary>
    SessionToken,

    /// <summary>An opaque token of at least 20 characters that is neither a JWT nor a UUID.</summary>
    RefreshToken,

    /// <summary>A UUID: anonymous use through <c>/backend-anon</c>.</summary>
    DeviceId,
}
