namespace MirrorGate.Upstream.Vidu;

/// <summary>The Vidu (Shengshu) video API the gateway submits tasks to (configuration section <c>Vidu</c>).</summary>
public sealed class ViduOptions
{
    public const string SectionName = "Vidu";

    /// <summary>The API's base address; <c>https://api.vidu.cn</c> (mainland) by default, <c>https://api.vidu.com</c> abroad (research D.6).</summary>
    public Uri BaseUrl { get; set; } = new("https://api.vidu.cn");

    /// <summary>The API token, sent as <c>Authorization: Token …</c>; also the key Vidu signs its callbacks with. Never logged.</summary>
    public string? ApiToken { get; set; }

    /// <summary>How long one submit or query waits for the API. <value>30 seconds by default.</value></summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far a callback's <c>Date</c> header may be from the gateway's clock before it is refused as a replay. <value>5 minutes by default.</value></summary>
    public TimeSpan CallbackClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
