namespace MirrorGate.Upstream.ChatGpt.Speech;

/// <summary>
/// ChatGPT's read-aloud (research §7), beside <see cref="IChatGptClient"/>: the helper conversation that carries the text
/// is an ordinary conversation (<see cref="IChatGptClient.StartConversationAsync"/>); this reads one of its messages
/// aloud and hides the conversation afterwards. Expected failures are values, as everywhere in the client.
/// </summary>
public interface IChatGptSpeech
{
    /// <summary><c>GET /backend-api/synthesize</c>: the audio of one message, in a ChatGPT voice and format (<c>mp3</c>, <c>opus</c>, <c>aac</c>).</summary>
    Task<UpstreamResult<SynthesizedAudio>> SynthesizeAsync(UpstreamCredential credential, string conversationId, string messageId, string voice, string format, CancellationToken cancellationToken);

    /// <summary><c>PATCH /backend-api/conversation/{id}</c> <c>{"is_visible":false}</c>: takes the conversation out of the account's history list.</summary>
    Task<UpstreamResult<bool>> HideConversationAsync(UpstreamCredential credential, string conversationId, CancellationToken cancellationToken);
}
