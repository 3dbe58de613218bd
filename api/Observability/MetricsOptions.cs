using System.Net;

namespace MirrorGate.Api.Observability;

/// <summary>
/// Who may scrape <c>GET /metrics</c> (section <c>Metrics</c>). A scrape must pass both checks:
/// <list type="bullet">
/// <item><see cref="Token"/>: when set, <c>Authorization: Bearer &lt;token&gt;</c> must carry it.</item>
/// <item><see cref="AllowedNetworks"/>: the caller's address must fall in one of these CIDR ranges. When none are
/// given, loopback only without a token (the safe default: a fresh node exposes nothing off the machine), and any
/// address with one (the token is the guard then).</item>
/// </list>
/// A gateway behind a reverse proxy sees the proxy's address: set a token, or list the proxy's network.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c> at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scraper's bearer token; empty: no token is asked for.</summary>
    public string? Token { get; set; }

    /// <summary>CIDR ranges (<c>10.0.0.0/8</c>, <c>::1/128</c>) a scrape may come from; see the class summary for the default.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>The parsed <see cref="AllowedNetworks"/>, or the default that applies.</summary>
    internal IPNetwork[] Networks() => AllowedNetworks.Length > 0
        ? Array.ConvertAll(AllowedNetworks, n => IPNetwork.Parse(n.Trim()))
        : string.IsNullOrEmpty(Token) ? [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")] : [];

    internal static bool IsValidNetwork(string value) => IPNetwork.TryParse(value.Trim(), out _);
}
