using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// Adds chatgpt-gateway's <c>PROXY_URL_POOL</c> and Aurora's <c>PROXY_URL</c> (each a comma-separated list) to the
/// <c>Proxies:Pool</c> section's entries. Aurora's <c>proxies.txt</c> and <c>http_proxy</c> fallback are not read (docs/proxies.md).
/// </summary>
internal sealed class ProxyOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<ProxyOptions>
{
    public void PostConfigure(string? name, ProxyOptions options)
    {
        foreach (var variable in (string[])["PROXY_URL_POOL", "PROXY_URL"])
        {
            if (configuration[variable] is not { Length: > 0 } list)
            {
                continue;
            }

            foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!options.Pool.Contains(entry, StringComparer.Ordinal))
                {
                    options.Pool.Add(entry);
                }
            }
        }
    }
}
