namespace MirrorGate.Api.Hosting;

/// <summary>
/// Front-end switches (configuration section <c>Gateway</c>). The seed systems' environment variables
/// set the same values and win over the section: <c>ADMIN_PASSWORD</c>, <c>Authorization</c>,
/// <c>STREAM_MODE</c>, <c>API_HATD</c>, <c>WEB_HATD</c>, <c>ENABLE_MIRROR_API</c>, <c>MIRROR_API_PREFIX</c>
/// (see <see cref="GatewayApiOptionsSetup"/>).
/// </summary>
public sealed class GatewayApiOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Secret of the <c>/api/*</c> admin set (<c>ADMIN_PASSWORD</c>). Empty turns the admin set off.</summary>
    /// <value>Empty by default.</value>
    public string? AdminPassword { get; set; }

    /// <summary>
    /// The service key (<c>Authorization</c>): a bearer equal to it uses the account pool, and
    /// <c>Bearer &lt;key&gt; &lt;token&gt;</c> passes a personal upstream token. When set, raw upstream tokens
    /// are only accepted behind it.
    /// </summary>
    /// <value>Empty by default.</value>
    public string? ServiceKey { get; set; }

    /// <summary>Whether requests without any key may use the pool when no service key is set (Aurora's open mode). Off: an open pool is an open proxy.</summary>
    /// <value><c>false</c> by default.</value>
    public bool AllowPoolWithoutKey { get; set; }

    /// <summary>Whether chat completions may stream (<c>STREAM_MODE</c>); false answers every request whole.</summary>
    /// <value><c>true</c> by default.</value>
    public bool StreamMode { get; set; } = true;

    /// <summary>Default of the request field <c>hatd</c> (<c>API_HATD</c>): temporary chats, not saved upstream.</summary>
    /// <value><c>false</c> by default.</value>
    public bool ApiHatd { get; set; }

    /// <summary>
    /// Default of <c>history_and_training_disabled</c> on the web pass-through (<c>WEB_HATD</c>), when the payload does not
    /// say: chatgpt-gateway's switch for its mirrored web, whose traffic here is <c>POST /backend-api/conversation</c>.
    /// </summary>
    /// <value><c>false</c> by default.</value>
    public bool WebHatd { get; set; }

    /// <summary>Whether the OpenAI-compatible API is served (<c>ENABLE_MIRROR_API</c>).</summary>
    /// <value><c>true</c> by default.</value>
    public bool EnableMirrorApi { get; set; } = true;

    /// <summary>
    /// Path prefix of the OpenAI-compatible API (<c>MIRROR_API_PREFIX</c>): <c>abc</c> serves <c>/abc/v1/...</c> only.
    /// The admin set is then served under <c>/abc/api/...</c> too, besides <c>/api/...</c>.
    /// </summary>
    /// <value>Empty by default.</value>
    public string? MirrorApiPrefix { get; set; }

    /// <summary>Largest request body accepted, in bytes.</summary>
    /// <value>8 MiB by default.</value>
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;
}
