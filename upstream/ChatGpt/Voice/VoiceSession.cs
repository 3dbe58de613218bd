namespace MirrorGate.Upstream.ChatGpt.Voice;

/// <summary>A voice session: the WebRTC (LiveKit) server to join, its access token and the end-to-end encryption key.</summary>
public sealed record VoiceSession(string Url, string Token, string? E2eeKey)
{
    /// <summary>The token and key stay out of logs.</summary>
    public override string ToString() => $"VoiceSession {{ Url = {Url} }}";
}
