using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MirrorGate.Bench.Gateway;
using MirrorGate.Bench.Load;
using MirrorGate.Bench.Profiling;
using MirrorGate.Bench.Simulator;
using MirrorGate.Bench.Targets;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// The cluster-mode benchmark: the same chat turns through an embedded node (one silo, SQLite), a cluster node
/// (Orleans silo with membership on Redis, state on PostgreSQL) called directly, and 1..N cluster nodes behind
/// nginx, each against the upstream client calling the simulator directly, as the main benchmark does; plus CPU
/// per component, what the database does per request under load, an EventPipe profile of an embedded and a cluster
/// node, and the counted statements of one request (<see cref="RoundTripCounter"/>). Every process it starts is its
/// own child and is stopped on the way out; Redis and PostgreSQL are the caller's (bench/cluster.sh starts and stops them).
/// </summary>
internal sealed partial class ClusterBench(BenchOptions options)
{
    public const string AccountEmail = "bench@example.com";
    public const string Embedded = "embedded, 1 node";
    public const string ClusterDirect = "cluster, 1 node";

    /// <summary>The configuration name of the paired node-vs-nginx runs.</summary>
    public const string Hop = "nginx hop";
    private static readonly TimeSpan RunCap = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);
    private readonly List<ClusterRun> _runs = [];

    public static string ThroughNginx(int nodes) => $"cluster, {nodes} node{(nodes == 1 ? "" : "s")} + nginx";

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Postgres) || string.IsNullOrWhiteSpace(options.Redis))
        {
            throw new InvalidOperationException("--cluster needs a PostgreSQL and a Redis: --postgres <connection string> (or MIRRORGATE_POSTGRES) and --redis <host:port> (or MIRRORGATE_REDIS); bench/cluster.sh starts both.");
        }

        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var gatewayDll = Path.GetFullPath(options.GatewayDll ?? Path.Combine(AppContext.BaseDirectory, "MirrorGate.Api.dll"));
        var shippedNginx = FindUp(Path.Combine("deploy", "nginx", "mirrorgate.conf"));
        var stamp = started.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var facts = new ClusterFacts { Commit = options.Commit ?? Report.MarkdownReport.GitCommit(), Schema = "bench_" + stamp, ClusterId = "bench-" + stamp, LoadAtStart = LoadAverage() };

        await using var probe = await PostgresProbe.OpenAsync(options.Postgres, cancellationToken);
        facts.PostgresVersion = probe.Version;
        facts.PostgresSettings = probe.Settings;
        facts.HasStatements = probe.HasStatements;
        var redis = await RedisInfo.ReadAsync(options.Redis, cancellationToken);
        facts.RedisVersion = redis.Version;
        Progress($"PostgreSQL {probe.Version} ({probe.Settings}); pg_stat_statements: {(probe.HasStatements ? "yes" : "no")}; Redis {redis.Version} (pid {redis.ProcessId})");
        try
        {
            await probe.ConfigureAsync(cancellationToken);
            await using var simulator = await SimulatorProcess.StartAsync(options, cancellationToken);
            Progress($"simulator on {simulator.BaseUrl}");

            // The embedded node: SQLite in its data folder, localhost clustering, no Redis or PostgreSQL.
            await using var embedded = await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, GatewayLogging.Warning, options, cancellationToken);
            await embedded.ImportAccountAsync((await simulator.LoginAsync(AccountEmail, cancellationToken)).RefreshToken, cancellationToken);

            // The cluster: node 1 first, the account imported through it, then the others (they read the pool from the
            // account grains when they start), each on silo and gateway ports of its own; then every node must see them all.
            var nodes = new List<GatewayProcess>();
            try
            {
                for (var i = 1; i <= options.Nodes; i++)
                {
                    nodes.Add(await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, GatewayLogging.Warning, options, cancellationToken,
                        NodeSettings(options, facts.Schema, facts.ClusterId, secretsKey, $"mg-node-{i}")));
                    if (i == 1)
                    {
                        await nodes[0].ImportAccountAsync((await simulator.LoginAsync(AccountEmail, cancellationToken)).RefreshToken, cancellationToken);
                    }
                }

                foreach (var node in nodes)
                {
                    await node.WaitForSilosAsync(nodes.Count, TimeSpan.FromSeconds(60), cancellationToken);
                }

                await using var nginx = await NginxProcess.StartAsync(options.Nginx, shippedNginx, [.. nodes.Select(n => n.BaseAddress)], leastConn: false, cancellationToken);
                facts.NginxVersion = nginx.Version;
                Progress($"embedded node pid {embedded.ProcessId}; cluster nodes {string.Join(", ", nodes.Select(n => n.ProcessId))} (cluster {facts.ClusterId}, schema {facts.Schema}, {nodes.Count} active silos); nginx {nginx.Version} pid {nginx.ProcessId} on {string.Join(", ", nginx.Fronts.Select(f => f.Authority))}");

                await MeasureAllAsync(simulator, embedded, nodes, nginx, probe, redis.ProcessId, facts, cancellationToken);
                facts.NodeRss = [.. nodes.Select(n => n.CurrentRss()).Prepend(embedded.CurrentRss())];

                if (options.Profile)
                {
                    Progress("profile: idle cluster node 1 and idle embedded node");
                    facts.Profiles.Add(await IdleProfiler.RunAsync(nodes[0], TimeSpan.FromSeconds(10), $"Profile of cluster node 1 of {nodes.Count} with no request in flight (EventPipe)", cancellationToken));
                    facts.Profiles.Add(await IdleProfiler.RunAsync(embedded, TimeSpan.FromSeconds(10), "Profile of the embedded node with no request in flight (EventPipe)", cancellationToken));

                    // One extra run each (not in the figures): what the embedded node and cluster node 1 spend their time on.
                    var connections = options.Concurrency.Max() * 2;
                    var concurrency = Math.Min(8, options.Concurrency.Max());
                    using (var target = new GatewayTarget("gateway", embedded.BaseAddress, connections, GatewayProcess.ServiceKey))
                    {
                        Progress("profile: embedded node");
                        facts.Profiles.Add(await Profiler.RunAsync(embedded, target, Scenario.Streamed, concurrency, options.RequestsFor(8), cancellationToken,
                            "Profile of the embedded node (EventPipe)"));
                    }

                    using (var target = new GatewayTarget("gateway", nodes[0].BaseAddress, connections, GatewayProcess.ServiceKey))
                    {
                        Progress("profile: cluster node 1");
                        facts.Profiles.Add(await Profiler.RunAsync(nodes[0], target, Scenario.Streamed, concurrency, options.RequestsFor(8), cancellationToken,
                            $"Profile of cluster node 1 of {nodes.Count}, called directly (EventPipe)"));
                    }
                }
            }
            finally
            {
                foreach (var node in nodes)
                {
                    await node.DisposeAsync();
                }
            }

            Progress("round trips: counting the statements of single requests");
            facts.RoundTrips = await RoundTripCounter.RunAsync(options, gatewayDll, simulator, probe, "bench_rt_" + stamp, "bench-rt-" + stamp, secretsKey, AccountEmail, Progress, cancellationToken);
        }
        finally
        {
            await probe.ResetSettingsAsync();
        }

        facts.LoadAtEnd = LoadAverage();
        facts.Duration = clock.Elapsed;
        facts.Started = started;
        Progress($"done in {clock.Elapsed.TotalSeconds:F0} s");
        return ClusterReport.Build(options, facts, _runs);
    }

    /// <summary>
    /// The settings that make a gateway process a member of the bench's cluster (as docs/cluster.md lists them for
    /// several nodes on one machine): the shared Redis, PostgreSQL schema, cluster and service id, and secrets key;
    /// silo and gateway ports of its own; advertised on loopback. The application name tells its database sessions
    /// apart (<c>mg-node-…</c>: the probe watches those).
    /// </summary>
    public static IReadOnlyList<string> NodeSettings(BenchOptions options, string schema, string clusterId, string secretsKey, string applicationName) =>
    [
        $"--Cluster:Redis={options.Redis}",
        $"--Cluster:Postgres={options.Postgres};Application Name={applicationName}",
        $"--Cluster:Schema={schema}",
        $"--Cluster:ClusterId={clusterId}",
        $"--Cluster:ServiceId={clusterId}",
        $"--Cluster:SiloPort={Loopback.FreePort()}",
        $"--Cluster:GatewayPort={Loopback.FreePort()}",
        "--Cluster:AdvertisedAddress=127.0.0.1",
        $"--Secrets:Key={secretsKey}",
    ];

    private async Task MeasureAllAsync(SimulatorProcess simulator, GatewayProcess embedded, List<GatewayProcess> nodes, NginxProcess nginx, PostgresProbe probe, int redisPid, ClusterFacts facts, CancellationToken cancellationToken)
    {
        var connections = options.Concurrency.Max() * 2;
        await using var direct = new DirectTarget(simulator.BaseUrl, (await simulator.LoginAsync(AccountEmail, cancellationToken)).AccessToken);
        var configurations = new List<(string Name, GatewayTarget Target)>
        {
            (Embedded, new GatewayTarget("gateway", embedded.BaseAddress, connections, GatewayProcess.ServiceKey)),
            (ClusterDirect, new GatewayTarget("gateway", nodes[0].BaseAddress, connections, GatewayProcess.ServiceKey)),
        };
        for (var k = 1; k <= nodes.Count; k++)
        {
            configurations.Add((ThroughNginx(k), new GatewayTarget("gateway", nginx.Fronts[k - 1], connections, GatewayProcess.ServiceKey)));
        }

        try
        {
            // Every node answers by itself before anything is measured (the later ones read the pool at start).
            foreach (var node in nodes.Prepend(embedded))
            {
                using var check = new GatewayTarget("check", node.BaseAddress, 1, GatewayProcess.ServiceKey);
                await check.RunAsync(Scenario.NonStream, cancellationToken);
            }

            var meter = new CpuMeter(
            [
                ("bench (load driver, direct client)", () => [Environment.ProcessId], false),
                ("simulator", () => [simulator.ProcessId], false),
                ("embedded node", () => [embedded.ProcessId], false),
                ("cluster nodes", () => nodes.Select(n => n.ProcessId), false),
                ("nginx", () => [nginx.ProcessId], true),
                ("PostgreSQL", () => probe.PostmasterPid > 0 ? [probe.PostmasterPid] : [], true),
                ("Redis", () => redisPid > 0 ? [redisPid] : [], false),
            ]);
            facts.Components = meter.Components;
            var logOffset = options.PostgresLog is { } log && File.Exists(log) ? new FileInfo(log).Length : -1;
            Scenario[] scenarios = [Scenario.NonStream, Scenario.Streamed];

            // Warm-up: JIT tiering, connection pools (HTTP, nginx keepalive, Npgsql, silo-to-silo), auto-prepared statements.
            foreach (var scenario in scenarios)
            {
                await WarmUpAsync("direct", direct, scenario, cancellationToken);
                foreach (var (name, target) in configurations)
                {
                    await WarmUpAsync(name, target, scenario, cancellationToken);
                }
            }

            // What the processes burn with no request in flight (timers, membership, the dashboard's collectors, pool
            // sync beats): on a 2-core box every node's idle CPU is taken from the others.
            facts.IdleCpuAfterWarmUp = await IdleCpuAsync(meter, "after the warm-up", cancellationToken);

            for (var round = 1; round <= options.Rounds; round++)
            {
                // A different configuration first in each round, so none always runs on the warmest or the most tired machine.
                var order = configurations.Skip((round - 1) % configurations.Count).Concat(configurations.Take((round - 1) % configurations.Count)).ToList();
                var flip = round % 2 == 0;
                foreach (var (name, target) in order)
                {
                    foreach (var scenario in scenarios)
                    {
                        foreach (var concurrency in options.Concurrency)
                        {
                            if (concurrency == 1)
                            {
                                await MeasurePairedAsync(round, name, direct, target, scenario, meter, probe, cancellationToken);
                                continue;
                            }

                            ITurnTarget[] pair = flip ? [target, direct] : [direct, target];
                            flip = !flip;
                            foreach (var t in pair)
                            {
                                await MeasureOneAsync(round, name, t, scenario, concurrency, meter, probe, cancellationToken);
                            }
                        }
                    }
                }

                // The nginx hop by itself: node 1 directly and through nginx (1 node), request by request in one loop.
                if (configurations.Count > 2)
                {
                    var node = configurations[1].Target;
                    var front = configurations[2].Target;
                    await MeasureHopAsync(round, Scenario.Ping, ct => node.PingAsync(ct), ct => front.PingAsync(ct), meter, probe, cancellationToken);
                    await MeasureHopAsync(round, Scenario.Streamed, ct => node.RunAsync(Scenario.Streamed, ct), ct => front.RunAsync(Scenario.Streamed, ct), meter, probe, cancellationToken);
                }
            }

            facts.IdleCpuAfterRuns = await IdleCpuAsync(meter, "after the runs", cancellationToken);
            if (logOffset >= 0)
            {
                facts.LockWaits = RoundTripCounter.ReadLog(options.PostgresLog!, logOffset)
                    .Select(e => LockWait().Match(e.Message))
                    .Where(m => m.Success)
                    .GroupBy(m => m.Groups["what"].Value)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            }
        }
        finally
        {
            foreach (var (_, target) in configurations)
            {
                target.Dispose();
            }
        }
    }

    private static async Task<IReadOnlyDictionary<string, double>> IdleCpuAsync(CpuMeter meter, string when, CancellationToken cancellationToken)
    {
        await Task.Delay(1000, cancellationToken);
        var before = meter.ReadMs();
        var clock = Stopwatch.StartNew();
        await Task.Delay(IdleWindow, cancellationToken);
        var idle = CpuMeter.Difference(meter.ReadMs(), before).ToDictionary(p => p.Key, p => p.Value / clock.Elapsed.TotalSeconds, StringComparer.Ordinal);
        Progress($"idle CPU {when} (ms per second): " + string.Join(", ", idle.Select(p => $"{p.Key} {p.Value:F1}")));
        return idle;
    }

    private async Task WarmUpAsync(string name, ITurnTarget target, Scenario scenario, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), Math.Min(8, options.Concurrency.Max()), options.WarmUp, RunCap, cancellationToken);
        EnsureClean(outcome, $"warm-up {name} {scenario.Name}");
        outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), 1, Math.Max(20, options.WarmUp / 10), RunCap, cancellationToken);
        EnsureClean(outcome, $"warm-up {name} {scenario.Name} c=1");
        Progress($"warm-up {name,-26} {scenario.Name,-10} {options.WarmUp} requests in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private async Task MeasureOneAsync(int round, string configuration, ITurnTarget target, Scenario scenario, int concurrency, CpuMeter meter, PostgresProbe probe, CancellationToken cancellationToken)
    {
        var window = await Window.OpenAsync(meter, probe, sampleWaits: target is GatewayTarget, cancellationToken);
        var outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), concurrency, options.RequestsFor(concurrency), RunCap, cancellationToken);
        var closed = await window.CloseAsync(cancellationToken);
        EnsureClean(outcome, $"{configuration} {target.Name} {scenario.Name} c={concurrency}");
        Keep(closed.Record(round, configuration, target.Name, scenario, concurrency, outcome));
    }

    private async Task MeasurePairedAsync(int round, string configuration, ITurnTarget direct, ITurnTarget gateway, Scenario scenario, CpuMeter meter, PostgresProbe probe, CancellationToken cancellationToken)
    {
        var window = await Window.OpenAsync(meter, probe, sampleWaits: true, cancellationToken);
        var (a, b) = await PairedRunner.RunAsync(ct => direct.RunAsync(scenario, ct), ct => gateway.RunAsync(scenario, ct), options.RequestsFor(1), RunCap * 2, cancellationToken);
        var closed = await window.CloseAsync(cancellationToken);
        EnsureClean(a, $"{configuration} direct {scenario.Name} c=1 (paired)");
        EnsureClean(b, $"{configuration} gateway {scenario.Name} c=1 (paired)");

        // CPU and database figures of a paired run cover both targets (the report reads them from the other runs).
        Keep(closed.Record(round, configuration, direct.Name, scenario, 1, a));
        Keep(closed.Record(round, configuration, gateway.Name, scenario, 1, b));
    }

    private async Task MeasureHopAsync(int round, Scenario scenario, Func<CancellationToken, ValueTask> node, Func<CancellationToken, ValueTask> front, CpuMeter meter, PostgresProbe probe, CancellationToken cancellationToken)
    {
        var window = await Window.OpenAsync(meter, probe, sampleWaits: false, cancellationToken);
        var (a, b) = await PairedRunner.RunAsync(node, front, options.RequestsFor(1), RunCap * 2, cancellationToken);
        var closed = await window.CloseAsync(cancellationToken);
        EnsureClean(a, $"hop: node {scenario.Name}");
        EnsureClean(b, $"hop: nginx {scenario.Name}");
        Keep(closed.Record(round, Hop, "node", scenario, 1, a));
        Keep(closed.Record(round, Hop, "nginx", scenario, 1, b));
    }

    private void Keep(ClusterRun run)
    {
        _runs.Add(run);
        var l = run.Outcome.Latency;
        Progress($"round {run.Round} {run.Configuration,-26} {run.Scenario.Name,-10} c={run.Concurrency,-3} {run.Target,-7} p50 {l.P50,7:F3} ms  p99 {l.P99,7:F3} ms  {run.Outcome.RequestsPerSecond,6:F0} req/s"
            + (run.Target == "gateway" ? $"  db {run.DbStatementsPerRequest:F2} stmt/req (+{run.DbResetsPerRequest:F2} resets), {run.DbMeanMs:F3} ms each, drain {run.Drain.TotalMilliseconds:F0} ms" : string.Empty));
    }

    private static void EnsureClean(LoadOutcome outcome, string what)
    {
        if (outcome.Errors > 0 || outcome.TimedOut)
        {
            throw new InvalidOperationException($"{what}: {outcome.Errors} errors, {outcome.Completed} completed{(outcome.TimedOut ? ", time cap reached" : "")}. First error: {outcome.FirstError}");
        }
    }

    private static string FindUp(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{relative} not found above the working directory; run from the repository.", relative);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"still waiting for (?<what>\S+ on (?:advisory lock|\w+))")]
    private static partial Regex LockWait();

    /// <summary>The 1, 5 and 15 minute load averages: anything else running on the box shows here.</summary>
    private static string LoadAverage()
    {
        try
        {
            var load = string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            // Linux PSI: the share of the last minute in which some runnable task waited for a CPU.
            var pressure = File.Exists("/proc/pressure/cpu")
                ? File.ReadLines("/proc/pressure/cpu").FirstOrDefault()?.Split(' ').FirstOrDefault(f => f.StartsWith("avg60=", StringComparison.Ordinal))
                : null;
            return pressure is null ? load : $"{load} (CPU pressure {pressure.Replace("avg60=", "last minute ", StringComparison.Ordinal)} %)";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>CPU per component, database statements and backend waits around one measured run.</summary>
    private sealed class Window
    {
        private Dictionary<string, double> _cpu = [];
        private Dictionary<long, StatementTotals> _statements = [];
        private (long Syncs, double SyncMs) _wal;
        private PostgresProbe.WaitSampler? _waits;
        private CpuMeter _meter = null!;
        private PostgresProbe _probe = null!;

        public static async Task<Window> OpenAsync(CpuMeter meter, PostgresProbe probe, bool sampleWaits, CancellationToken cancellationToken)
        {
            // Let the previous run's stragglers (deferred writes, connection closes) settle.
            await Task.Delay(150, cancellationToken);
            await probe.WaitQuietAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var window = new Window { _meter = meter, _probe = probe };
            window._statements = await probe.StatementsAsync(cancellationToken);
            window._wal = await probe.WalAsync(cancellationToken);
            window._cpu = meter.ReadMs();
            window._waits = sampleWaits ? probe.SampleWaits() : null;
            return window;
        }

        public async Task<Closed> CloseAsync(CancellationToken cancellationToken)
        {
            (int Samples, Dictionary<string, long> Counts) waits = (0, []);
            if (_waits is not null)
            {
                waits = await _waits.StopAsync();
                await _waits.DisposeAsync();
            }

            // The run is over for the clients; the nodes may still be writing for it. That work is the run's too.
            var drain = await _probe.WaitQuietAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var cpu = CpuMeter.Difference(_meter.ReadMs(), _cpu);
            var wal = await _probe.WalAsync(cancellationToken);

            var after = await _probe.StatementsAsync(cancellationToken);
            var statements = new Dictionary<string, (long Calls, double Ms)>(StringComparer.Ordinal);
            foreach (var (id, totals) in after)
            {
                if (IsProbe(totals.Query))
                {
                    continue;
                }

                var before = _statements.GetValueOrDefault(id);
                var calls = totals.Calls - (before?.Calls ?? 0);
                if (calls <= 0)
                {
                    continue;
                }

                // A reset is several statements here; count one per reset (its RESET ALL, or DISCARD ALL) and all their time.
                var query = Whitespace().Replace(totals.Query, " ").Trim();
                var label = StatementLabels.For(query, null);
                var counted = label != StatementLabels.Reset || query is "RESET ALL" || query.StartsWith("DISCARD ALL", StringComparison.Ordinal) ? calls : 0;
                var held = statements.GetValueOrDefault(label);
                statements[label] = (held.Calls + counted, held.Ms + totals.TotalMs - (before?.TotalMs ?? 0));
            }

            return new Closed(cpu, statements, waits.Samples, waits.Counts, drain, wal.Syncs - _wal.Syncs, wal.SyncMs - _wal.SyncMs);
        }

        private static bool IsProbe(string query) =>
            query.Contains("pg_stat_", StringComparison.Ordinal) || query.Contains("pg_settings", StringComparison.Ordinal)
            || query.StartsWith("ALTER SYSTEM", StringComparison.Ordinal) || query.Contains("pg_reload_conf", StringComparison.Ordinal);
    }

    private sealed record Closed(Dictionary<string, double> CpuMs, Dictionary<string, (long Calls, double Ms)> Statements, int WaitSamples, Dictionary<string, long> Waits, TimeSpan Drain, long WalSyncs, double WalSyncMs)
    {
        public ClusterRun Record(int round, string configuration, string target, Scenario scenario, int concurrency, LoadOutcome outcome) =>
            new(round, configuration, target, scenario, concurrency, outcome, CpuMs, Statements, WaitSamples, Waits, Drain, WalSyncs, WalSyncMs);
    }
}

/// <summary>One measured run of the cluster benchmark; at concurrency 1 the window (CPU, database) covers both targets, which alternate.</summary>
internal sealed record ClusterRun(
    int Round,
    string Configuration,
    string Target,
    Scenario Scenario,
    int Concurrency,
    LoadOutcome Outcome,
    Dictionary<string, double> CpuMs,
    Dictionary<string, (long Calls, double Ms)> Statements,
    int WaitSamples,
    Dictionary<string, long> Waits,
    TimeSpan Drain,
    long WalSyncs,
    double WalSyncMs)
{
    public double WalSyncsPerRequest => WalSyncs / (double)Math.Max(1, Outcome.Completed);

    public double WalSyncMeanMs => WalSyncs > 0 ? WalSyncMs / WalSyncs : double.NaN;

    /// <summary>Requests per second counting the time the database still worked for the run after its last answer (a drain of the 10 ms polling resolution counts as none).</summary>
    public double RequestsPerSecondWithDrain => Drain.TotalMilliseconds < 15 ? Outcome.RequestsPerSecond
        : Outcome.Completed / (Outcome.Completed / Outcome.RequestsPerSecond + Drain.TotalSeconds);

    /// <summary>Statements per request, Npgsql's session resets not counted (they ride with the next statement).</summary>
    public double DbStatementsPerRequest => Work.Sum(s => s.Calls) / (double)Math.Max(1, Outcome.Completed);

    public double DbResetsPerRequest => Statements.GetValueOrDefault(StatementLabels.Reset).Calls / (double)Math.Max(1, Outcome.Completed);

    /// <summary>Mean execution time in the server of a statement other than a reset.</summary>
    public double DbMeanMs => Work.Sum(s => s.Calls) is var calls and > 0 ? Work.Sum(s => s.Ms) / calls : 0;

    private IEnumerable<(long Calls, double Ms)> Work => Statements.Where(s => s.Key != StatementLabels.Reset).Select(s => s.Value);

    public double CpuMsPerRequest(string component) => CpuMs.GetValueOrDefault(component) / Math.Max(1, Outcome.Completed);
}

/// <summary>What the report says about the setup, besides the runs.</summary>
internal sealed class ClusterFacts
{
    public string Commit { get; set; } = "unknown";

    public string Schema { get; set; } = "";

    /// <summary>Orleans' cluster id (and service id) of the measured nodes, their key in Redis.</summary>
    public string ClusterId { get; set; } = "";

    public DateTime Started { get; set; }

    public TimeSpan Duration { get; set; }

    public string LoadAtStart { get; set; } = "?";

    public string LoadAtEnd { get; set; } = "?";

    public string PostgresVersion { get; set; } = "?";

    public string PostgresSettings { get; set; } = "?";

    public bool HasStatements { get; set; }

    public string NginxVersion { get; set; } = "?";

    public string RedisVersion { get; set; } = "?";

    /// <summary>EventPipe profiles of the embedded node and of cluster node 1 (empty with <c>--no-profile</c>).</summary>
    public List<ProfileResult> Profiles { get; } = [];

    public IReadOnlyList<string> Components { get; set; } = [];

    /// <summary>CPU ms per second of each component over 10 s with no request in flight, right after the warm-up.</summary>
    public IReadOnlyDictionary<string, double> IdleCpuAfterWarmUp { get; set; } = new Dictionary<string, double>();

    /// <summary>The same after the last round.</summary>
    public IReadOnlyDictionary<string, double> IdleCpuAfterRuns { get; set; } = new Dictionary<string, double>();

    /// <summary>Resident set of the embedded node, then of each cluster node, after the runs (bytes).</summary>
    public IReadOnlyList<long> NodeRss { get; set; } = [];

    /// <summary>Lock waits longer than <c>deadlock_timeout</c> (20 ms) logged during the load runs, by kind; null without the log.</summary>
    public Dictionary<string, int>? LockWaits { get; set; }

    public RoundTripResult? RoundTrips { get; set; }
}
