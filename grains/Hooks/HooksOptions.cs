namespace MirrorGate.Grains.Hooks;

/// <summary>
/// The operator's hooks (configuration section <c>Hooks</c>): SoruxGPT's Audit, Notify and OAuth calls to URLs the
/// operator runs. A hook whose URL is empty is off. Every hook fails closed unless <see cref="FailOpen"/>.
/// </summary>
/// <remarks>
/// Bound on every node, not only on front ends: notify deliveries are sent by a grain, which may live on a
/// silo-only node of the split topology.
/// </remarks>
public sealed class HooksOptions
{
    public const string SectionName = "Hooks";

    /// <summary>Asked before each chat turn of a user (mirror token or activation code); only HTTP 200 lets it through.</summary>
    /// <value>Empty (off) by default.</value>
    public string? AuditUrl { get; set; }

    /// <summary>Told about each accepted chat turn of a user, after the upstream turn started; queued durably, retried.</summary>
    /// <value>Empty (off) by default.</value>
    public string? NotifyUrl { get; set; }

    /// <summary>Asked about a bearer this gateway does not know; <c>code: 1</c> makes it an activation code of a user.</summary>
    /// <value>Empty (off) by default.</value>
    public string? OAuthUrl { get; set; }

    /// <summary>How long one hook call may take, connecting included.</summary>
    /// <value>10 seconds by default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When a hook cannot be asked (timeout, unreachable, refused address, a 5xx, an unreadable answer): false refuses
    /// the request (fail closed); true lets the audit pass and keeps an OAuth code the hook vouched for before.
    /// </summary>
    /// <value>false by default.</value>
    public bool FailOpen { get; set; }

    /// <summary>Whether hook URLs may reach loopback addresses (127.0.0.0/8, ::1).</summary>
    /// <value>false by default.</value>
    public bool AllowLoopback { get; set; }

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.20.0.0/16</c>) hooks may reach. Empty: any address the blocks leave (link-local,
    /// cloud metadata, unspecified, and loopback unless <see cref="AllowLoopback"/>). Non-empty: only addresses inside
    /// these networks, and still never a blocked one.
    /// </summary>
    /// <value>Empty by default.</value>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>How many times a notify delivery is tried again after its first attempt failed, before it is dropped.</summary>
    /// <value>5 by default.</value>
    public int NotifyRetries { get; set; } = 5;

    /// <summary>The pause before the first retry of a notify delivery; each later pause doubles, up to 10 minutes.</summary>
    /// <value>2 seconds by default.</value>
    public TimeSpan NotifyBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Period of the durable reminder that resumes a pending notify delivery after a node restarted or died; never
    /// shorter than Orleans' minimum reminder period (1 minute unless configured).
    /// </summary>
    /// <value>1 minute by default.</value>
    public TimeSpan NotifyResumePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an activation code the OAuth hook vouched for is used without asking the hook again. After it, the
    /// next request asks again, so a code the operator's own system revoked stops working within this time.
    /// </summary>
    /// <value>5 minutes by default.</value>
    public TimeSpan OAuthCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public Uri? AuditUri => Parse(AuditUrl);

    public Uri? NotifyUri => Parse(NotifyUrl);

    public Uri? OAuthUri => Parse(OAuthUrl);

    /// <summary>The URL, or null when empty; an invalid one is refused at start by <see cref="HooksOptionsValidator"/>.</summary>
    private static Uri? Parse(string? url) =>
        string.IsNullOrWhiteSpace(url) ? null : Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? uri : null;
}
