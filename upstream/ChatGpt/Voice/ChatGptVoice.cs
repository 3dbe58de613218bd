using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Upstream.ChatGpt.Parsing;

namespace MirrorGate.Upstream.ChatGpt.Voice;

/// <summary>
/// The <see cref="IChatGptVoice"/> over HTTP. The request body is the one dairoot/chatgpt-livekit sends (research Seed C);
/// the path is on the chatgpt.com host itself, not under <c>/backend-api</c>, so the backend request's target-path headers
/// are dropped.
/// </summary>
internal sealed class ChatGptVoice : IChatGptVoice
{
    private readonly UpstreamCaller _caller;
    private readonly UpstreamRequestFactory _requests;
    private readonly Uri _endpoint;

    public ChatGptVoice(IOptions<ChatGptOptions> options, IUpstreamHttpClients clients, TimeProvider timeProvider, ILogger<ChatGptVoice> logger)
    {
        _caller = new UpstreamCaller(clients, options.Value, timeProvider, logger);
        _requests = new UpstreamRequestFactory(options.Value);
        _endpoint = new Uri(options.Value.BackendBaseUrl, "/voice/get_token");
    }

    public Task<UpstreamResult<VoiceSession>> GetSessionAsync(UpstreamCredential credential, string voice, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var body = JsonBody.Write((Voice: voice, Language: language), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("voice", state.Voice);
            writer.WriteString("voice_mode", "standard");
            writer.WriteString("parent_message_id", Guid.NewGuid().ToString());
            writer.WriteString("model_slug", "auto");
            writer.WriteBoolean("voice_training_allowed", false);
            writer.WriteBoolean("enable_message_streaming", false);
            writer.WriteString("language", state.Language);
            writer.WriteBoolean("video_training_allowed", false);
            writer.WriteString("voice_session_id", Guid.NewGuid().ToString());
            writer.WriteEndObject();
        });
        var request = _requests.Backend(HttpMethod.Post, credential, "/voice/get_token", body);
        request.RequestUri = _endpoint;
        request.Headers.Remove("X-OpenAI-Target-Path");
        request.Headers.Remove("X-OpenAI-Target-Route");
        return _caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId, static (root, _) =>
            Json.String(root, "url") is { Length: > 0 } url && Json.String(root, "token") is { Length: > 0 } token
                ? UpstreamResult<VoiceSession>.Ok(new VoiceSession(url, token, Json.String(root, "e2ee_key")))
                : UpstreamResult<VoiceSession>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, null, "The upstream's voice session names no url or token.")),
            cancellationToken);
    }
}
