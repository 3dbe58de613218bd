namespace MirrorGate.OpenAiSim;

/// <summary>What an injected fault does to a request made with one key.</summary>
public enum OpenAiFaultKind
{
    /// <summary>401 <c>invalid_api_key</c>.</summary>
    Unauthorized,

    /// <summary>403 (a key without access to the model or the region).</summary>
    Forbidden,

    /// <summary>429 with <c>Retry-After</c> and the <c>x-ratelimit-*</c> headers of the fault.</summary>
    RateLimited,

    /// <summary><see cref="OpenAiFault.StatusCode"/> (500 when 0) with an OpenAI error body.</summary>
    ServerError,

    /// <summary>The connection is closed before any response (a connection failure for the client).</summary>
    ConnectionReset,

    /// <summary>Waits <see cref="OpenAiFault.Delay"/> before the answer and before each streamed chunk.</summary>
    Slow,

    /// <summary>Aborts the connection after <see cref="OpenAiFault.AfterChunks"/> streamed chunks (a whole answer: after its headers), with no <c>[DONE]</c>.</summary>
    DropMidStream,

    /// <summary>Holds the answer (before its first byte) until <see cref="OpenAiSimulator.Release"/> is called: a request in flight for as long as a test needs.</summary>
    Hold,
}

/// <summary>A fault queued for one key's requests.</summary>
/// <param name="StatusCode">Status for <see cref="OpenAiFaultKind.ServerError"/>; 0 means 500.</param>
/// <param name="RetryAfter"><c>Retry-After</c> (seconds) for <see cref="OpenAiFaultKind.RateLimited"/>; null sends none.</param>
/// <param name="ResetRequests"><c>x-ratelimit-reset-requests</c>, e.g. <c>1s</c>, <c>6m0s</c>, <c>120ms</c>; null sends none.</param>
/// <param name="ResetTokens"><c>x-ratelimit-reset-tokens</c>; null sends none.</param>
/// <param name="Model">Only requests for this model are hit; null hits every model.</param>
/// <param name="Times">How many requests it hits; null keeps it until cleared.</param>
public sealed record OpenAiFault(
    OpenAiFaultKind Kind,
    int StatusCode = 0,
    int? RetryAfter = null,
    string? ResetRequests = null,
    string? ResetTokens = null,
    string? Model = null,
    int? Times = null,
    TimeSpan Delay = default,
    int AfterChunks = 0);

/// <summary>One request the simulator received: which key, path and model, whether streamed, the raw body and the status answered.</summary>
public sealed record OpenAiCall(string Key, string Path, string? Model, bool Stream, string Body, int Status);
