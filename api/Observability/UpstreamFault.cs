namespace MirrorGate.Api.Observability;

/// <summary>Why an upstream call failed, as <c>mirrorgate_upstream_failures_total{kind}</c> counts it (a fixed set: bounded labels).</summary>
public enum UpstreamFault
{
    /// <summary>401 or 403: the credential was refused.</summary>
    Rejected,

    /// <summary>429: rate limited.</summary>
    RateLimited,

    /// <summary>5xx.</summary>
    ServerError,

    /// <summary>No answer: connection refused or reset, timeout before the headers.</summary>
    Connect,

    /// <summary>The answer broke off after its headers.</summary>
    Drop,
}
