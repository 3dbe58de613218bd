namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Builds requests with the browser-consistent headers of research §3.2: <c>Authorization</c> (absent when
/// anonymous, which also swaps <c>/backend-api</c> for <c>/backend-anon</c>), <c>Oai-Device-Id</c> and the
/// matching <c>oai-did</c> cookie, <c>Oai-Language</c>, and <c>ChatGPT-Account-ID</c> for a chosen workspace.
/// </summary>
internal sealed class UpstreamRequestFactory
{
    private readonly ChatGptOptions _options;
    private readonly string _backendBase;
    private readonly string _authBase;
    private readonly string _origin;

    public UpstreamRequestFactory(ChatGptOptions options)
    {
        _options = options;
        _backendBase = options.BackendBaseUrl.AbsoluteUri.TrimEnd('/');
        _authBase = options.AuthBaseUrl.AbsoluteUri.TrimEnd('/');
        _origin = options.BackendBaseUrl.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The logged path of a backend call, e.g. <c>/backend-api/f/conversation</c>.</summary>
    public static string BackendPath(UpstreamCredential credential, string endpoint) =>
        (credential.IsAnonymous ? UpstreamEndpoint.AnonymousPrefix : UpstreamEndpoint.LoggedInPrefix) + endpoint;

    public HttpRequestMessage Backend(HttpMethod method, UpstreamCredential credential, string endpoint, ReadOnlyMemory<byte>? jsonBody = null, bool eventStream = false)
    {
        var path = BackendPath(credential, endpoint);
        var request = new HttpRequestMessage(method, _backendBase + path);
        AddBrowserHeaders(request, eventStream ? "text/event-stream" : "*/*");
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Oai-Device-Id", credential.DeviceId);
        headers.TryAddWithoutValidation("Cookie", "oai-did=" + credential.DeviceId);
        if (credential.AccessToken is { } accessToken)
        {
            headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);
        }

        if (!string.IsNullOrEmpty(credential.TeamAccountId))
        {
            headers.TryAddWithoutValidation("ChatGPT-Account-ID", credential.TeamAccountId);
        }

        if (_options.Flow == ChatGptFlow.Newest)
        {
            // Era C browsers name the backend route they call (research §3.2); AUR sends the same.
            headers.TryAddWithoutValidation("X-OpenAI-Target-Path", path);
            headers.TryAddWithoutValidation("X-OpenAI-Target-Route", path);
        }

        SetBody(request, jsonBody);
        return request;
    }

    /// <summary>
    /// A request to a file URL the backend handed out (research §5): the Azure blob store takes browser headers and no
    /// <c>Authorization</c>; a URL on the backend's own origin (the newest <c>estuary/content</c> links) needs the bearer.
    /// </summary>
    public HttpRequestMessage FileUrl(HttpMethod method, Uri url, UpstreamCredential credential)
    {
        var request = new HttpRequestMessage(method, url);
        AddBrowserHeaders(request, "*/*");
        if (credential.AccessToken is { } accessToken && string.Equals(url.GetLeftPart(UriPartial.Authority), _origin, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);
            if (!string.IsNullOrEmpty(credential.TeamAccountId))
            {
                request.Headers.TryAddWithoutValidation("ChatGPT-Account-ID", credential.TeamAccountId);
            }
        }

        return request;
    }

    public HttpRequestMessage Session(string sessionToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _backendBase + UpstreamEndpoint.Session);
        AddBrowserHeaders(request, "*/*");
        request.Headers.TryAddWithoutValidation("Cookie", SessionCookie.Name + "=" + sessionToken);
        return request;
    }

    public HttpRequestMessage OAuthToken(ReadOnlyMemory<byte> jsonBody)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _authBase + UpstreamEndpoint.OAuthToken);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        SetBody(request, jsonBody);
        return request;
    }

    private void AddBrowserHeaders(HttpRequestMessage request, string accept)
    {
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        headers.TryAddWithoutValidation("Accept", accept);
        headers.TryAddWithoutValidation("Accept-Language", "en-US,en;q=0.9");
        headers.TryAddWithoutValidation("Oai-Language", "en-US");
        headers.TryAddWithoutValidation("Origin", _origin);
        headers.TryAddWithoutValidation("Referer", _origin + "/");
    }

    private static void SetBody(HttpRequestMessage request, ReadOnlyMemory<byte>? jsonBody)
    {
        if (jsonBody is { } body)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }
    }
}
