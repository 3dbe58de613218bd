namespace MirrorGate.Api.Voice;

/// <summary>Voice sessions (<c>GET /api/livekit</c>), configuration section <c>Voice</c>; <c>VOICE_PROXY_URL</c> wins over it.</summary>
public sealed class VoiceOptions
{
    public const string SectionName = "Voice";

    /// <summary>
    /// chatgpt-gateway's <c>VOICE_PROXY_URL</c>: a host that reverse-proxies <c>https://webrtc.chatgpt.com</c>. Its host (and
    /// port) replaces the host of the session URL the upstream names, keeping that URL's scheme and path; given with or
    /// without a scheme. Empty: the upstream's URL is passed on (users then need a route to the WebRTC host themselves).
    /// </summary>
    /// <value>Empty by default.</value>
    public string? ProxyUrl { get; set; }

    /// <summary>The <c>language</c> sent with the session request when the caller names none (dairoot/chatgpt-livekit sends <c>zh</c>).</summary>
    /// <value><c>zh</c> by default.</value>
    public string Language { get; set; } = "zh";

    /// <summary>The authority (<c>host[:port]</c>) of <see cref="ProxyUrl"/>; null when unset or not a host.</summary>
    public string? ProxyAuthority =>
        ProxyUrl is not { Length: > 0 } value ? null
        : Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? uri.Authority
            : null;
}
