namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Categories of upstream failure (research §3.12).</summary>
public enum UpstreamFailureKind
{
    /// <summary>401, a dead refresh/session token, or a sentinel that forces a login: the credential must be renewed.</summary>
    Unauthorized,

    /// <summary>403: Cloudflare challenge, bot detection, a rejected sentinel/proof/conduit token, or anonymous use switched off.</summary>
    Forbidden,

    /// <summary>429: a usage cap (with <see cref="UpstreamFailure.ClearsIn"/>) or an IP-level limit.</summary>
    RateLimited,

    /// <summary>400, 422 and other 4xx: the request itself is wrong.</summary>
    BadRequest,

    /// <summary>404: e.g. an unknown conversation.</summary>
    NotFound,

    /// <summary>5xx.</summary>
    ServerError,

    /// <summary>No response: connect failure, timeout, proxy failure, connection dropped before the headers.</summary>
    Network,

    /// <summary>A response we could not understand (an unparseable success body, an unexpected redirect).</summary>
    Protocol,
}
