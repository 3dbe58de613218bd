namespace MirrorGate.Upstream.ChatGpt.Voice;

/// <summary>ChatGPT's voice mode entry point, beside <see cref="IChatGptClient"/>. Expected failures are values.</summary>
public interface IChatGptVoice
{
    /// <summary><c>POST {BackendBaseUrl}/voice/get_token</c>: a voice session for a logged-in account, in a ChatGPT voice.</summary>
    Task<UpstreamResult<VoiceSession>> GetSessionAsync(UpstreamCredential credential, string voice, string language, CancellationToken cancellationToken);
}
