using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt.Http;

namespace MirrorGate.Upstream.ChatGpt.Speech;

/// <summary>
/// The <see cref="IChatGptSpeech"/> over HTTP, on the same connection pools, headers and failure mapping as the chat
/// client. Aurora also accepts a JSON answer naming a <c>download_url</c>; no capture shows the backend answering so,
/// and here such an answer is a protocol failure.
/// </summary>
internal sealed class ChatGptSpeech : IChatGptSpeech
{
    /// <summary>Generous for a 4096-character text; the audio is read whole before anything reaches the client.</summary>
    private const int MaxAudioBytes = 64 * 1024 * 1024;

    private readonly UpstreamCaller _caller;
    private readonly UpstreamRequestFactory _requests;

    public ChatGptSpeech(IOptions<ChatGptOptions> options, IUpstreamHttpClients clients, TimeProvider timeProvider, ILogger<ChatGptSpeech> logger)
    {
        _caller = new UpstreamCaller(clients, options.Value, timeProvider, logger);
        _requests = new UpstreamRequestFactory(options.Value);
    }

    public async Task<UpstreamResult<SynthesizedAudio>> SynthesizeAsync(UpstreamCredential credential, string conversationId, string messageId, string voice, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var endpoint = "/synthesize?message_id=" + Uri.EscapeDataString(messageId) + "&conversation_id=" + Uri.EscapeDataString(conversationId)
            + "&voice=" + Uri.EscapeDataString(voice) + "&format=" + Uri.EscapeDataString(format);
        var sent = await _caller.SendForStreamAsync(_requests.Backend(HttpMethod.Get, credential, endpoint), credential.ProxyUrl, credential.LogId, cancellationToken);
        if (!sent.IsSuccess)
        {
            return UpstreamResult<SynthesizedAudio>.Fail(sent.Failure);
        }

        using var response = sent.Value;
        try
        {
            if (response.Content.Headers.ContentLength is > MaxAudioBytes)
            {
                return UpstreamResult<SynthesizedAudio>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, (int)response.StatusCode, "The upstream's audio is larger than the gateway accepts."));
            }

            var audio = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return audio.Length == 0
                ? UpstreamResult<SynthesizedAudio>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, (int)response.StatusCode, "The upstream answered the read-aloud call with no audio."))
                : UpstreamResult<SynthesizedAudio>.Ok(new SynthesizedAudio(audio, response.Content.Headers.ContentType?.MediaType));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return UpstreamResult<SynthesizedAudio>.Fail(new UpstreamFailure(UpstreamFailureKind.Network, null, "The upstream's audio broke off: " + exception.GetType().Name));
        }
    }

    public Task<UpstreamResult<bool>> HideConversationAsync(UpstreamCredential credential, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var body = JsonBody.Write(0, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("is_visible", false);
            writer.WriteEndObject();
        });
        var request = _requests.Backend(HttpMethod.Patch, credential, "/conversation/" + Uri.EscapeDataString(conversationId), body);
        return _caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId, static (_, _) => UpstreamResult<bool>.Ok(true), cancellationToken);
    }
}
