using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Voice;

/// <summary>Applies chatgpt-gateway's <c>VOICE_PROXY_URL</c> over the <c>Voice</c> section.</summary>
internal sealed class VoiceOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<VoiceOptions>
{
    public void PostConfigure(string? name, VoiceOptions options) =>
        options.ProxyUrl = configuration["VOICE_PROXY_URL"] is { Length: > 0 } value ? value.Trim() : options.ProxyUrl;
}
