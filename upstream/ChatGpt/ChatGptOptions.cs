namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Settings of the ChatGPT web upstream client, bound from the configuration section <c>ChatGpt</c>.</summary>
public sealed class ChatGptOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ChatGpt";

    /// <summary>Host of <c>/backend-api/*</c>, <c>/backend-anon/*</c> and <c>/api/auth/session</c>.</summary>
    /// <value>Defaults to <c>https://chatgpt.com</c>.</value>
    public Uri BackendBaseUrl { get; set; } = new("https://chatgpt.com");

    /// <summary>Host of <c>/oauth/token</c> (refresh-token exchange).</summary>
    /// <value>Defaults to <c>https://auth.openai.com</c>.</value>
    public Uri AuthBaseUrl { get; set; } = new("https://auth.openai.com");

    /// <summary>Which chat call sequence to speak.</summary>
    /// <value>Defaults to <see cref="ChatGptFlow.Newest"/>.</value>
    public ChatGptFlow Flow { get; set; } = ChatGptFlow.Newest;

    /// <summary>On the legacy flow, ask for "v1" delta encoding (<c>supported_encodings:["v1"]</c>).</summary>
    /// <value>Defaults to <see langword="false"/> (full-message SSE).</value>
    public bool LegacyDeltaEncoding { get; set; }

    /// <summary>OAuth client of the refresh-token exchange: the iOS app's public client.</summary>
    /// <value>Defaults to <c>pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh</c>.</value>
    public string OAuthClientId { get; set; } = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";

    /// <summary>Redirect URI sent with the refresh-token exchange.</summary>
    /// <value>Defaults to <c>com.openai.chat://auth.openai.com/ios/com.openai.chat/callback</c>.</value>
    public string OAuthRedirectUri { get; set; } = "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback";

    /// <summary>
    /// Browser user agent sent on every call and embedded in the proof-of-work config. Keep it a current
    /// desktop Chrome: the backend fingerprints it together with the config array.
    /// </summary>
    /// <value>Defaults to a desktop Chrome 142 on Windows user agent.</value>
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

    /// <summary>Time allowed to open a connection (TCP, proxy handshake and TLS).</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for a non-streaming call, and for a streaming call until its response headers arrive.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Nonces tried before the proof of work gives up and sends the fallback token.</summary>
    /// <value>Defaults to 500 000, as every public gateway does.</value>
    public int MaxProofOfWorkIterations { get; set; } = 500_000;
}
