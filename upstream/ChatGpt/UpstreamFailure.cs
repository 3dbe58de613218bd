namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Why an upstream call failed.</summary>
/// <param name="Kind">The category the gateway acts on.</param>
/// <param name="StatusCode">The HTTP status, when a response arrived.</param>
/// <param name="Message">The upstream's own message (its <c>detail</c>), or ours; never contains a token.</param>
/// <param name="Code">The upstream's machine-readable code (<c>token_expired</c>, <c>model_cap_exceeded</c>…), when given.</param>
/// <param name="ClearsIn">For <see cref="UpstreamFailureKind.RateLimited"/>: when the cap lifts (<c>detail.clears_in</c> or <c>Retry-After</c>).</param>
public sealed record UpstreamFailure(
    UpstreamFailureKind Kind,
    int? StatusCode,
    string Message,
    string? Code = null,
    TimeSpan? ClearsIn = null);
