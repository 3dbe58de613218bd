using System.Text.RegularExpressions;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// Whether and how this node joins a cluster (configuration section <c>Cluster</c>; <c>MIRRORGATE_REDIS</c> and
/// <c>MIRRORGATE_POSTGRES</c> set the two connection strings too). Without them the node runs embedded: one silo
/// on localhost, state in SQLite. With both it is a cluster member: membership on Redis, grain state, reminders
/// and usage on PostgreSQL. Read once when the node is composed, since it decides what the node is made of.
/// </summary>
public sealed partial class ClusterModeOptions
{
    public const string SectionName = "Cluster";
    public const string RedisVariable = "MIRRORGATE_REDIS";
    public const string PostgresVariable = "MIRRORGATE_POSTGRES";

    /// <summary>StackExchange.Redis configuration string of the membership store (e.g. <c>127.0.0.1:6379</c>); empty means embedded.</summary>
    public string? Redis { get; set; }

    /// <summary>Npgsql connection string of the shared database; empty means embedded.</summary>
    public string? Postgres { get; set; }

    /// <summary>PostgreSQL schema holding MirrorGate's tables; empty means <c>public</c>. Several clusters may share a database, a schema each.</summary>
    public string? Schema { get; set; }

    /// <summary>Orleans' service id: what stored state and reminders belong to. Keep it across redeployments.</summary>
    /// <value><c>mirrorgate</c> by default.</value>
    public string ServiceId { get; set; } = "mirrorgate";

    /// <summary>Orleans' cluster id: the nodes that form one cluster (and its key in Redis).</summary>
    /// <value><c>mirrorgate</c> by default.</value>
    public string ClusterId { get; set; } = "mirrorgate";

    /// <summary>Whether this node hosts a silo (<see cref="NodeRole.Silo"/>) or only the HTTP front end of a cluster's silos.</summary>
    /// <value><see cref="NodeRole.Silo"/> by default.</value>
    public NodeRole Role { get; set; } = NodeRole.Silo;

    /// <summary>Port silos talk to each other on. Every silo on one machine needs its own.</summary>
    /// <value>11111 by default.</value>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port front ends (Orleans clients) reach this silo on; 0 turns the gateway off. Unused when embedded.</summary>
    /// <value>30000 by default.</value>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one at; empty picks this host's address (as Orleans does).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a starting node keeps retrying an unreachable Redis or PostgreSQL before it refuses to start.</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Probe timeout of the failure detector; empty keeps Orleans' 5 s (a silo killed outright is seen dead in about
    /// 8 s, a hung one in about a minute). Tests use 1 s.
    /// </summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>Missed probes before a silo votes another dead; empty keeps Orleans' 3.</summary>
    public int? MissedProbesLimit { get; set; }

    /// <summary>
    /// Whether a node that hosts a silo serves the Orleans dashboard at <c>/dashboard</c>. Its metric collection reads
    /// Orleans' gauges every second on every silo, idle or not (10–25 ms of CPU per second per silo measured on 2 cores,
    /// <c>bench/results/orleans.md</c>): busy clusters on small machines may turn it off.
    /// </summary>
    /// <value>true by default.</value>
    public bool Dashboard { get; set; } = true;

    /// <summary>Cluster mode: a store of a cluster is configured (a silo needs both; a front end only Redis).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Redis) || !string.IsNullOrWhiteSpace(Postgres);

    public string EffectiveSchema => string.IsNullOrWhiteSpace(Schema) ? "public" : Schema;

    /// <summary>
    /// What <see cref="Schema"/> may be: a plain lower-case identifier, so that it means the same quoted and unquoted.
    /// </summary>
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$")]
    private static partial Regex SchemaPattern();

    /// <summary>Binds the section and the two environment variables, and says what is wrong with the result, if anything.</summary>
    public static ClusterModeOptions Read(IConfiguration configuration)
    {
        var options = new ClusterModeOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.Redis = NonEmpty(options.Redis) ?? NonEmpty(configuration[RedisVariable]);
        options.Postgres = NonEmpty(options.Postgres) ?? NonEmpty(configuration[PostgresVariable]);
        var problem = options.Validate();
        return problem is null ? options : throw new InvalidOperationException("MirrorGate cannot start: " + problem);
    }

    private string? Validate() =>
        Role == NodeRole.FrontEnd && string.IsNullOrWhiteSpace(Redis) ? $"Cluster:Role=FrontEnd needs a cluster to front: set Cluster:Redis (or {RedisVariable}), where its silos are listed."
        : Enabled && string.IsNullOrWhiteSpace(Redis) ? $"cluster mode needs a Redis connection too (Cluster:Redis or {RedisVariable}); only PostgreSQL is set."
        : Role == NodeRole.Silo && Enabled && string.IsNullOrWhiteSpace(Postgres) ? $"cluster mode needs a PostgreSQL connection too (Cluster:Postgres or {PostgresVariable}); only Redis is set."
        : !string.IsNullOrEmpty(Schema) && !SchemaPattern().IsMatch(Schema) ? "Cluster:Schema must be 1 to 50 lower-case letters, digits or underscores, starting with a letter or underscore."
        : SiloPort is <= 0 or > 65535 || GatewayPort is < 0 or > 65535 ? "Cluster:SiloPort must be a port number, and Cluster:GatewayPort a port number or 0."
        : StartupTimeout <= TimeSpan.Zero ? "Cluster:StartupTimeout must be positive."
        : string.IsNullOrWhiteSpace(ServiceId) || string.IsNullOrWhiteSpace(ClusterId) ? "Cluster:ServiceId and Cluster:ClusterId must not be empty."
        : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>What a node runs.</summary>
public enum NodeRole
{
    /// <summary>A silo, with the HTTP front end in the same process (the default; embedded nodes are always this).</summary>
    Silo,

    /// <summary>Only the HTTP front end, an Orleans client of a cluster's silos.</summary>
    FrontEnd,
}
