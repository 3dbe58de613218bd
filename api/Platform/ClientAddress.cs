using System.Net;

namespace MirrorGate.Api.Platform;

/// <summary>
/// The client address that SMS rate limits and API-key allow-lists look at: the connection's remote address (an
/// IPv4-mapped IPv6 address read as IPv4). Behind a reverse proxy this is the proxy, unless the operator turns on
/// ASP.NET's forwarded-headers handling; the gateway does not trust <c>X-Forwarded-For</c> by itself.
/// </summary>
public static class ClientAddress
{
    public static IPAddress? Of(HttpContext context) =>
        context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.RemoteIpAddress;

    /// <summary>Whether <paramref name="address"/> is one of <paramref name="allowed"/> (addresses or CIDR ranges); an empty list allows any address.</summary>
    public static bool IsAllowed(IPAddress? address, IEnumerable<string> allowed)
    {
        var any = false;
        foreach (var entry in allowed)
        {
            any = true;
            if (address is null)
            {
                continue;
            }

            if (entry.Contains('/', StringComparison.Ordinal)
                ? IPNetwork.TryParse(entry, out var network) && network.Contains(address)
                : IPAddress.TryParse(entry, out var single) && single.Equals(address))
            {
                return true;
            }
        }

        return !any;
    }

    /// <summary>Whether <paramref name="entry"/> is an address or a CIDR range.</summary>
    public static bool IsValidEntry(string entry) =>
        entry.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(entry, out _) : IPAddress.TryParse(entry, out _);
}
