using System.Diagnostics;

namespace MirrorGate.Api.Observability;

/// <summary>
/// What the handlers learn about one request that the recording middleware cannot see from outside: the model it
/// was for (set only once the model is known to be served, so the label stays bounded), the upstream account or
/// channel key that answered, the user it counts for (live view only, never a metric label), and the time spent
/// waiting on upstreams. One small object per request, set as a feature; the handlers write it, the middleware
/// reads it once the request has ended.
/// </summary>
public sealed class RequestRecord
{
    private long _upstreamTicks;

    /// <summary>A served model, or null (none, or one no channel or catalog knows).</summary>
    public string? Model { get; set; }

    /// <summary>The account or channel key that answered last.</summary>
    public string? KeyId { get; set; }

    /// <summary>Who the request counts for in the live view's top users (a mirror user, a platform user).</summary>
    public string? User { get; set; }

    /// <summary>Time spent waiting on upstreams (headers and body reads), in <see cref="Stopwatch"/> ticks.</summary>
    public long UpstreamTicks => _upstreamTicks;

    /// <summary>Adds the wait that began at <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>) and ends now.</summary>
    public void AddUpstreamWait(long startedAt) => _upstreamTicks += Stopwatch.GetTimestamp() - startedAt;

    /// <summary>The request's record, or null outside a recorded request (a background call, a test without the middleware).</summary>
    public static RequestRecord? Of(HttpContext? context) => context?.Features.Get<RequestRecord>();
}
