namespace MirrorGate.Api.Limits;

/// <summary>How this node hands out users' limited uses itself (configuration section <c>Limits</c>, docs/channels.md).</summary>
public sealed class LimitLeaseOptions
{
    public const string SectionName = "Limits";

    /// <summary>
    /// Whether channel requests take their use from a block this node leased from the user's grain (one grain call
    /// and one write per block) instead of asking the grain per request. Off: every request asks the grain.
    /// </summary>
    /// <value>On by default.</value>
    public bool Leasing { get; set; } = true;

    /// <summary>
    /// How long this node hands out one lease's uses (and keeps "no limit" for a model) before asking the user's grain
    /// again: the longest a lowered limit, a logout or another node's returned uses take to reach this node. At most 10 seconds.
    /// </summary>
    /// <value>1 second by default.</value>
    public TimeSpan LeaseLifetime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most uses this node asks for in one lease; the grain gives at most half of what is left in the window.</summary>
    /// <value>512 by default.</value>
    public int MaxBlock { get; set; } = 512;
}
