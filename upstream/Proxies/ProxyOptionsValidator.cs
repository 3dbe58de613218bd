using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Proxies;

/// <summary>Refuses start on a pool entry that is not a usable proxy URL; its messages never repeat a password.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Pool.Count; i++)
        {
            if (!ProxyEndpoint.TryParse(options.Pool[i], out var endpoint, out var error))
            {
                errors.Add($"PROXY_URL_POOL (Proxies:Pool) entry {i + 1}: {error}");
            }
            else if (!seen.Add(endpoint!.Masked))
            {
                errors.Add($"PROXY_URL_POOL (Proxies:Pool) entry {i + 1}: {endpoint.Masked} is listed twice.");
            }
        }

        if (options.HealthCheckInterval <= TimeSpan.Zero || options.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add("Proxies:HealthCheckInterval and Proxies:ProbeTimeout must be positive.");
        }

        if (options.ProbeUrl is { IsAbsoluteUri: false })
        {
            errors.Add("Proxies:ProbeUrl must be an absolute URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
