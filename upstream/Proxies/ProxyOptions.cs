namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// The proxy pool (configuration section <c>Proxies</c>). chatgpt-gateway's <c>PROXY_URL_POOL</c> and Aurora's
/// <c>PROXY_URL</c> (both comma-separated) add to <see cref="Pool"/> (docs/proxies.md).
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxies";

    /// <summary>
    /// Proxy URLs, <c>scheme://[user:password@]host:port</c> with scheme <c>http</c>, <c>https</c>, <c>socks4</c>,
    /// <c>socks4a</c>, <c>socks5</c> or <c>socks5h</c>. Accounts without a proxy of their own are spread over them.
    /// </summary>
    /// <value>Empty by default: accounts without their own proxy connect directly.</value>
    public List<string> Pool { get; set; } = [];

    /// <summary>How often each pool proxy is probed.</summary>
    /// <value>One minute by default.</value>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one probe may take before the proxy counts as unhealthy.</summary>
    /// <value>Ten seconds by default.</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What a probe fetches through the proxy.</summary>
    /// <value>Empty by default: the configured ChatGPT backend base URL (<c>ChatGpt:BackendBaseUrl</c>).</value>
    public Uri? ProbeUrl { get; set; }
}
