using System.Net;

namespace MirrorGate.Upstream.Proxies;

/// <summary>
/// One proxy URL, parsed. Only <see cref="Url"/> holds the password; <see cref="ToString"/>, <see cref="Masked"/>
/// and every other member are safe to log and to answer with.
/// </summary>
public sealed record ProxyEndpoint
{
    private static readonly string[] Schemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

    private ProxyEndpoint(string url, string scheme, string host, int port, string? userName, bool hasPassword)
    {
        Url = url;
        Scheme = scheme;
        Host = host;
        Port = port;
        UserName = userName;
        Masked = $"{scheme}://{(userName is null ? string.Empty : userName + (hasPassword ? ":***" : string.Empty) + "@")}{Authority}";
    }

    /// <summary>The URL as configured, with its credentials: what the HTTP client is given, never logged.</summary>
    public string Url { get; }

    public string Scheme { get; }

    public string Host { get; }

    public int Port { get; }

    public string? UserName { get; }

    /// <summary><c>host:port</c> (IPv6 hosts in brackets).</summary>
    public string Authority => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port;

    /// <summary>The URL with the password replaced by <c>***</c>; also the proxy's identity in assignments and health.</summary>
    public string Masked { get; }

    public override string ToString() => Masked;

    /// <summary>Parses <paramref name="value"/>; on failure <paramref name="error"/> says why without repeating the password.</summary>
    public static bool TryParse(string? value, out ProxyEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = $"'{MaskUnparsed(text)}' is not a URL of the form scheme://[user:password@]host:port.";
            return false;
        }

        var scheme = uri.Scheme.ToLowerInvariant();
        var userInfo = uri.UserInfo;
        var separator = userInfo.IndexOf(':', StringComparison.Ordinal);
        var userName = userInfo.Length == 0 ? null : Uri.UnescapeDataString(separator < 0 ? userInfo : userInfo[..separator]);
        var parsed = new ProxyEndpoint(text, scheme, uri.IdnHost.Trim('[', ']'), uri.Port, userName, separator >= 0);
        if (!Schemes.Contains(scheme, StringComparer.Ordinal))
        {
            error = $"{parsed.Masked}: the scheme must be one of {string.Join(", ", Schemes)}.";
            return false;
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"{parsed.Masked}: a proxy URL has no path, query or fragment.";
            return false;
        }

        if (uri.Port <= 0)
        {
            error = $"{parsed.Masked}: the port is missing.";
            return false;
        }

        (endpoint, error) = (parsed, null);
        return true;
    }

    /// <summary>
    /// The <see cref="System.Net.WebProxy"/> for this URL. <c>socks5h</c> (resolve host names at the proxy) becomes
    /// <c>socks5</c>: .NET's SOCKS5 client already sends a host name as is (address type 3, DOMAINNAME) and resolves
    /// nothing locally, as dotnet/runtime's <c>SocksHelper.EstablishSocks5TunnelAsync</c> shows; only IP literals go
    /// as addresses. .NET does not accept the <c>socks5h</c> scheme itself.
    /// </summary>
    internal static WebProxy CreateWebProxy(string proxyUrl)
    {
        var uri = new Uri(proxyUrl, UriKind.Absolute);
        if (!Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            throw new UriFormatException($"Unsupported proxy scheme '{uri.Scheme}'.");
        }

        var address = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        if (string.Equals(uri.Scheme, "socks5h", StringComparison.OrdinalIgnoreCase))
        {
            address.Scheme = "socks5";
        }

        var proxy = new WebProxy(address.Uri);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            var password = separator < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            proxy.Credentials = new NetworkCredential(user, password);
        }

        return proxy;
    }

    /// <summary>Text that is not a URL may still hold a password after a <c>:</c> before an <c>@</c>: cut it out.</summary>
    private static string MaskUnparsed(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var start = text.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : 0;
        var colon = text.IndexOf(':', start);
        return colon >= 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }
}
