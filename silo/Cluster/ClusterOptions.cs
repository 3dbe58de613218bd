using System.Text.RegularExpressions;

namespace MirrorGate.Silo.Cluster;

/// <summary>
/// Cluster mode (configuration section <c>Cluster</c>, or the env var <c>MIRRORGATE_POSTGRES</c>): a
/// PostgreSQL connection string turns it on. Without one the node runs embedded (SQLite and
/// in-process stores) and nothing else here is read.
/// </summary>
public sealed partial class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Environment variable that sets <see cref="Postgres"/> when the setting is empty.</summary>
    public const string EnvironmentVariable = "MIRRORGATE_POSTGRES";

    /// <summary>Npgsql connection string of the shared database; empty means embedded mode.</summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// PostgreSQL schema holding MirrorGate's tables; empty means the connection's default (<c>public</c>).
    /// Several clusters may share one database with a schema each; change notifications are kept apart too.
    /// </summary>
    public string? Schema { get; set; }

    /// <summary>How long a starting node keeps retrying an unreachable database before it gives up.</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node writes its heartbeat (and load) into the membership table.</summary>
    /// <value>2 seconds by default.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A node whose last heartbeat is older than this is shown as dead.</summary>
    /// <value>10 seconds by default (five missed heartbeats).</value>
    public TimeSpan NodeDeadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Term of the leases behind cluster-wide jobs (housekeeping): a node that dies holding one is
    /// replaced by another within this time and a third of it (holders renew, others try, every third).
    /// </summary>
    /// <value>15 seconds by default.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The address other people see this node at (shown in membership only).</summary>
    public string? Address { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Postgres);

    /// <summary>
    /// What <see cref="Schema"/> may be: a plain lower-case identifier, so that it means the same quoted
    /// and unquoted, and short enough that the channel name built from it stays within PostgreSQL's 63 bytes.
    /// </summary>
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$")]
    public static partial Regex SchemaPattern();

    /// <summary>The schema name after defaults, safe to quote.</summary>
    public string EffectiveSchema => string.IsNullOrWhiteSpace(Schema) ? "public" : Schema;
}
