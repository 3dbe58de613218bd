using System.Net;
using System.Net.Sockets;

namespace MirrorGate.Grains.Hooks;

/// <summary>
/// Which addresses a hook call may connect to. Hook URLs come from operators, and a hook call carries the user's
/// token: a URL (or a DNS name that resolves, or later re-resolves) to a cloud metadata service, a link-local host
/// or this machine's own loopback services would turn the gateway into a way in. So the address is checked where
/// the socket is opened (<see cref="HookTransport"/>'s connect callback), after DNS, not on the URL's text.
/// </summary>
/// <remarks>
/// Blocked by default: link-local (169.254.0.0/16, fe80::/10), cloud metadata (169.254.169.254, fd00:ec2::254,
/// 100.100.100.200), the unspecified address (0.0.0.0 and :: reach this host), multicast and broadcast. Loopback
/// only with <see cref="HooksOptions.AllowLoopback"/>. <see cref="HooksOptions.AllowedNetworks"/>, when set, narrows
/// what is left to addresses inside those networks; it never opens a blocked one (a careless <c>0.0.0.0/0</c> must
/// not reach the metadata service). IPv4 addresses inside IPv6 (mapped, NAT64) are judged as IPv4.
/// </remarks>
public static class HookAddressPolicy
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("fd00:ec2::254"),
        IPAddress.Parse("100.100.100.200"),
    ];

    private static readonly IPNetwork LinkLocalV4 = IPNetwork.Parse("169.254.0.0/16");
    private static readonly IPNetwork LinkLocalV6 = IPNetwork.Parse("fe80::/10");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>Why a hook may not connect to <paramref name="address"/>, or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowLoopback, IReadOnlyList<IPNetwork> allowedNetworks)
    {
        var a = Embedded(address);
        if (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.Broadcast) || a.IsIPv6Multicast
            || (a.AddressFamily == AddressFamily.InterNetwork && a.GetAddressBytes()[0] is >= 224 and <= 239))
        {
            return $"{address} is not an address a hook can be at";
        }

        if (MetadataAddresses.Contains(a))
        {
            return $"{address} is a cloud metadata address";
        }

        if (LinkLocalV4.Contains(a) || LinkLocalV6.Contains(a))
        {
            return $"{address} is link-local";
        }

        if (IPAddress.IsLoopback(a) && !allowLoopback)
        {
            return $"{address} is loopback (set Hooks:AllowLoopback=true to allow it)";
        }

        return allowedNetworks.Count == 0 || allowedNetworks.Any(n => n.Contains(a)) ? null : $"{address} is outside Hooks:AllowedNetworks";
    }

    /// <summary>The IPv4 address an IPv6 one carries (IPv4-mapped, NAT64's well-known prefix), else the address itself.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            return new IPAddress(address.GetAddressBytes().AsSpan(12, 4));
        }

        return address;
    }
}
