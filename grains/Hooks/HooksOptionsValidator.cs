using System.Net;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Hooks;

/// <summary>
/// Refuses, at start, hook settings that cannot work or must not: a URL that is not absolute http(s), one whose host
/// is an address the <see cref="HookAddressPolicy"/> blocks, a network that does not parse, and timings that are not
/// positive. (A host name is checked where it is connected to, since its addresses may change.)
/// </summary>
public sealed class HooksOptionsValidator : IValidateOptions<HooksOptions>
{
    public ValidateOptionsResult Validate(string? name, HooksOptions options)
    {
        var problems = new List<string>();
        var networks = new List<IPNetwork>();
        foreach (var network in options.AllowedNetworks)
        {
            if (IPNetwork.TryParse(network, out var parsed))
            {
                networks.Add(parsed);
            }
            else
            {
                problems.Add($"Hooks:AllowedNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8).");
            }
        }

        CheckUrl(problems, "AuditUrl", options.AuditUrl, options, networks);
        CheckUrl(problems, "NotifyUrl", options.NotifyUrl, options, networks);
        CheckUrl(problems, "OAuthUrl", options.OAuthUrl, options, networks);
        if (options.Timeout <= TimeSpan.Zero)
        {
            problems.Add("Hooks:Timeout must be positive.");
        }

        if (options.NotifyRetries is < 0 or > 100)
        {
            problems.Add("Hooks:NotifyRetries must be between 0 and 100.");
        }

        if (options.NotifyBackoff <= TimeSpan.Zero || options.NotifyResumePeriod <= TimeSpan.Zero)
        {
            problems.Add("Hooks:NotifyBackoff and Hooks:NotifyResumePeriod must be positive.");
        }

        if (options.OAuthCacheLifetime < TimeSpan.Zero)
        {
            problems.Add("Hooks:OAuthCacheLifetime must not be negative.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckUrl(List<string> problems, string key, string? url, HooksOptions options, List<IPNetwork> networks)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"Hooks:{key} must be an absolute http:// or https:// URL.");
            return;
        }

        if (IPAddress.TryParse(uri.IdnHost, out var address) && HookAddressPolicy.Refusal(address, options.AllowLoopback, networks) is { } refusal)
        {
            problems.Add($"Hooks:{key} is refused: {refusal}.");
        }
    }
}
