namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>Hands out the <see cref="HttpClient"/> of a proxy (<see langword="null"/> = direct). Tests replace it with a stub handler.</summary>
internal interface IUpstreamHttpClients
{
    /// <exception cref="UriFormatException">The proxy URL is not a URL.</exception>
    HttpClient Get(string? proxyUrl);
}
