namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// The last probe of one pool proxy. <see cref="CheckedAt"/> is null until the first probe; an unprobed proxy
/// counts as healthy, so a node can assign proxies before its first round of probes ends.
/// </summary>
/// <param name="Error">Why the probe failed, without credentials (an error kind or a status), or null.</param>
public sealed record ProxyHealth(ProxyEndpoint Endpoint, bool Ok, double? LatencyMs, string? Error, DateTimeOffset? CheckedAt)
{
    public static ProxyHealth Unprobed(ProxyEndpoint endpoint) => new(endpoint, true, null, null, null);
}
