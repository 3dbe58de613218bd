using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MirrorGate.Bench.Cluster;

/// <summary>The markdown report of the cluster benchmark: medians of rounds, ratios, CPU per component, the database.</summary>
internal static class ClusterReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Build(BenchOptions options, ClusterFacts facts, IReadOnlyList<ClusterRun> runs)
    {
        var all = runs;
        var md = new StringBuilder();
        var levels = options.Concurrency.Order().ToList();
        var top = levels.Max();
        var hop = runs.Where(r => r.Configuration == ClusterBench.Hop).ToList();
        runs = [.. runs.Where(r => r.Configuration != ClusterBench.Hop)];
        var configurations = runs.Select(r => r.Configuration).Distinct().ToList();
        var scenarios = runs.Select(r => r.Scenario).Distinct().ToList();

        md.AppendLine("# MirrorGate cluster-mode benchmark");
        md.AppendLine();
        md.AppendLine(Inv, $"- Run: {facts.Started:yyyy-MM-dd HH:mm} UTC, {facts.Duration.TotalSeconds:F0} s, commit `{facts.Commit}`; `dotnet run -c Release --project bench/MirrorGate.Bench -- --cluster` through `bench/cluster.sh`");
        md.AppendLine(Inv, $"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; PostgreSQL {facts.PostgresVersion} (`deploy/postgres.sh`, {facts.PostgresSettings}); Redis {facts.RedisVersion} (`deploy/redis.sh`); nginx {facts.NginxVersion}; load average (1, 5, 15 min) {facts.LoadAtStart} at the start, {facts.LoadAtEnd} at the end");
        md.AppendLine(Inv, $"- Processes, all on those cores at once: the simulator ({options.ReplyChunks}-chunk \"v1\" replies, one `plus` account); the bench (load driver and the *direct* client); one embedded node (one Orleans silo with localhost clustering, SQLite); {options.Nodes} cluster nodes (Orleans silos co-hosted with the API: membership on Redis, cluster id `{facts.ClusterId}`; grain state, reminders and usage on PostgreSQL, schema `{facts.Schema}`; silo and gateway ports of their own, advertised on 127.0.0.1; one `Secrets:Key`); one nginx (`worker_processes auto`, the `location` block and upstream options of `deploy/nginx/mirrorgate.conf`, **round robin** instead of its `least_conn`, `access_log off`) with one port per front: 1, 2 or 3 nodes; Redis; PostgreSQL. Every node is a Release build of `api` in its own process at log level Warning; all stay up for the whole run, idle when not measured");
        md.AppendLine(Inv, $"- Each run: {options.Requests} requests per target at concurrency 1 (*direct* and *gateway* alternating request by request), {options.RequestsFor(2)} above (back to back, alternating which goes first); warm-up {options.WarmUp} per target and scenario; {options.Rounds} rounds, the order of the configurations rotating; figures are **medians of the round results**. Caller: the service key (account pool)");
        md.AppendLine("- *direct* = the gateway's own upstream client calling the simulator from the bench process (sentinel, conduit prepare, conversation POST, stream decode); *added* = gateway − direct of the same round, per statistic (a difference of percentiles, not a percentile of differences: read added p99 as approximate)");
        md.AppendLine();

        // ---- Summary
        md.AppendLine("## Summary");
        md.AppendLine();
        md.Append("| configuration | scenario | added p50, c=1 | added p99, c=1 | paired added p50, c=1 |");
        foreach (var c in levels)
        {
            md.Append(Inv, $" req/s c={c} |");
        }

        md.AppendLine(Inv, $" direct req/s c={top} | gateway/direct c={top} | vs embedded c={top} | drain after c={top} (ms) | req/s c={top} incl. drain |");
        md.Append("| --- | --- | ---: | ---: | ---: |");
        foreach (var _ in levels)
        {
            md.Append(" ---: |");
        }

        md.AppendLine(" ---: | ---: | ---: | ---: | ---: |");
        foreach (var scenario in scenarios)
        {
            var embeddedTop = Stat.Of(runs, ClusterBench.Embedded, scenario, top, "gateway");
            foreach (var configuration in configurations)
            {
                var d1 = Stat.Of(runs, configuration, scenario, 1, "direct");
                var g1 = Stat.Of(runs, configuration, scenario, 1, "gateway");
                md.Append(Inv, $"| {configuration} | {scenario.Name} | {Signed(g1.P50 - d1.P50)} | {Signed(g1.P99 - d1.P99)} | {Signed(g1.Paired)} |");
                foreach (var c in levels)
                {
                    md.Append(Inv, $" {Stat.Of(runs, configuration, scenario, c, "gateway").Rps:F0} |");
                }

                var dTop = Stat.Of(runs, configuration, scenario, top, "direct");
                var gTop = Stat.Of(runs, configuration, scenario, top, "gateway");
                var topRuns = Stat.Runs(runs, configuration, scenario, top, "gateway");
                md.AppendLine(Inv, $" {dTop.Rps:F0} | {Ratio(gTop.Rps, dTop.Rps)} | {Ratio(gTop.Rps, embeddedTop.Rps)} | {Median(topRuns.Select(r => r.Drain.TotalMilliseconds)):F0} | {Median(topRuns.Select(r => r.RequestsPerSecondWithDrain)):F0} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Milliseconds and requests per second. *paired added p50* is the median over request pairs of gateway − direct at concurrency 1, the steadiest single figure. Above concurrency 1 everything shares the 2 cores: a gateway request/s figure there is a capacity of the whole box, not of a node. *drain* = how long after the last answer of the run the nodes still had statements or transactions in progress in PostgreSQL (work for requests whose answers had already gone out; polled every 10 ms, the next run starts only when it is 0; a floor of about 10 ms is the polling itself); *incl. drain* counts that time in the run.");
        md.AppendLine();

        // ---- Derived costs
        md.AppendLine("## What each step adds");
        md.AppendLine();
        md.AppendLine(Inv, $"Differences between configurations (medians of rounds): latency from *paired added p50* and added p99 at concurrency 1, throughput at concurrency {top}.");
        md.AppendLine();
        md.AppendLine(Inv, $"| step | scenario | p50, c=1 | p99, c=1 | req/s c={top} |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: |");
        var steps = new List<(string Name, string From, string To)> { ("PostgreSQL instead of SQLite (cluster node vs embedded node, both direct)", ClusterBench.Embedded, ClusterBench.ClusterDirect), ("the nginx hop (1 node behind nginx vs the same node direct)", ClusterBench.ClusterDirect, ClusterBench.ThroughNginx(1)) };
        for (var k = 2; k <= options.Nodes; k++)
        {
            steps.Add(($"node {k} (behind nginx, vs {k - 1})", ClusterBench.ThroughNginx(k - 1), ClusterBench.ThroughNginx(k)));
        }

        foreach (var scenario in scenarios)
        {
            foreach (var (name, from, to) in steps.Where(s => configurations.Contains(s.From) && configurations.Contains(s.To)))
            {
                var a1 = Stat.Of(runs, from, scenario, 1, "gateway");
                var b1 = Stat.Of(runs, to, scenario, 1, "gateway");
                var ad = Stat.Of(runs, from, scenario, 1, "direct");
                var bd = Stat.Of(runs, to, scenario, 1, "direct");
                var aTop = Stat.Of(runs, from, scenario, top, "gateway");
                var bTop = Stat.Of(runs, to, scenario, top, "gateway");
                md.AppendLine(Inv, $"| {name} | {scenario.Name} | {Signed(b1.Paired - a1.Paired)} | {Signed((b1.P99 - bd.P99) - (a1.P99 - ad.P99))} | {Signed(bTop.Rps - aTop.Rps, "F0")} ({Ratio(bTop.Rps, aTop.Rps)}) |");
            }
        }

        md.AppendLine();
        if (hop.Count > 0)
        {
            md.AppendLine("The nginx hop measured by itself: node 1 called directly and through nginx (front of 1 node), alternating request by request at concurrency 1 (medians of rounds; *paired* = median over pairs of nginx − node):");
            md.AppendLine();
            md.AppendLine("| request | node p50 | via nginx p50 | node p99 | via nginx p99 | **paired, p50** |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var scenario in hop.Select(r => r.Scenario).Distinct())
            {
                var node = Stat.Of(hop, ClusterBench.Hop, scenario, 1, "node");
                var front = Stat.Of(hop, ClusterBench.Hop, scenario, 1, "nginx");
                md.AppendLine(Inv, $"| {scenario.Name} | {node.P50:F3} | {front.P50:F3} | {node.P99:F3} | {front.P99:F3} | **{Signed(front.Paired)}** |");
            }

            md.AppendLine();
        }

        // ---- Under load
        md.AppendLine("## Latency under load");
        md.AppendLine();
        md.AppendLine("| configuration | scenario | conc. | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 | added mean |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var scenario in scenarios)
        {
            foreach (var c in levels.Where(c => c > 1))
            {
                foreach (var configuration in configurations)
                {
                    var d = Stat.Of(runs, configuration, scenario, c, "direct");
                    var g = Stat.Of(runs, configuration, scenario, c, "gateway");
                    md.AppendLine(Inv, $"| {configuration} | {scenario.Name} | {c} | {d.P50:F3} | {g.P50:F3} | {Signed(g.P50 - d.P50)} | {d.P99:F3} | {g.P99:F3} | {Signed(g.P99 - d.P99)} | {Signed(g.Mean - d.Mean)} |");
                }
            }
        }

        md.AppendLine();

        // ---- CPU
        md.AppendLine(Inv, $"## Where the CPU goes (concurrency {top})");
        md.AppendLine();
        md.AppendLine(Inv, $"CPU milliseconds per request of each process during the run (user + system from `/proc`, 10 ms ticks; PostgreSQL = postmaster, its children and the children it reaped; Redis = the server process), medians of rounds. With {Environment.ProcessorCount} cores the box has {Environment.ProcessorCount * 1000} CPU ms per second, so *bound* = {Environment.ProcessorCount * 1000} ÷ total is the request rate the whole setup could reach if nothing waited; *used* = measured rate × total ÷ {Environment.ProcessorCount * 1000}.");
        md.AppendLine();
        md.Append("| configuration | scenario | target |");
        foreach (var component in facts.Components)
        {
            md.Append(Inv, $" {component} |");
        }

        md.AppendLine(" total | bound req/s | measured req/s | used |");
        md.Append("| --- | --- | --- |");
        foreach (var _ in facts.Components)
        {
            md.Append(" ---: |");
        }

        md.AppendLine(" ---: | ---: | ---: | ---: |");
        foreach (var scenario in scenarios)
        {
            var rows = new List<(string Configuration, string Target)> { (ClusterBench.Embedded, "direct") };
            rows.AddRange(configurations.Select(c => (c, "gateway")));
            foreach (var (configuration, target) in rows)
            {
                var selected = Stat.Runs(runs, configuration, scenario, top, target);
                if (selected.Count == 0)
                {
                    continue;
                }

                md.Append(Inv, $"| {(target == "direct" ? "(direct, no gateway)" : configuration)} | {scenario.Name} | {target} |");
                var total = 0.0;
                foreach (var component in facts.Components)
                {
                    var ms = Median(selected.Select(r => r.CpuMsPerRequest(component)));
                    total += ms;
                    md.Append(Inv, $" {ms:F3} |");
                }

                var rps = Median(selected.Select(r => r.Outcome.RequestsPerSecond));
                var capacity = Environment.ProcessorCount * 1000.0;
                md.AppendLine(Inv, $" **{total:F3}** | {capacity / total:F0} | {rps:F0} | {rps * total / capacity:P0} |");
            }
        }

        md.AppendLine();
        if (facts.IdleCpuAfterWarmUp.Count > 0)
        {
            md.AppendLine(Inv, $"With no request in flight (every process up, 10 s each time), CPU ms per second (the cluster nodes' figure is all {options.Nodes} together; the bench's includes its own samplers):");
            md.AppendLine();
            md.AppendLine("| when | " + string.Join(" | ", facts.IdleCpuAfterWarmUp.Keys) + " |");
            md.AppendLine("| --- |" + string.Concat(facts.IdleCpuAfterWarmUp.Keys.Select(_ => " ---: |")));
            foreach (var (when, idle) in new[] { ("right after the warm-up", facts.IdleCpuAfterWarmUp), ("after the last round", facts.IdleCpuAfterRuns) })
            {
                md.AppendLine($"| {when} | " + string.Join(" | ", facts.IdleCpuAfterWarmUp.Keys.Select(k => idle.TryGetValue(k, out var v) ? v.ToString("F1", Inv) : "–")) + " |");
            }

            md.AppendLine();
        }

        // ---- Database under load
        md.AppendLine("## The database under load");
        md.AppendLine();
        if (facts.HasStatements)
        {
            md.AppendLine("Statements per gateway request from `pg_stat_statements` (calls during the run ÷ requests; every node's statements, reminder housekeeping included; Npgsql's session resets counted apart, one per reset, as they ride in the same write as the next statement: the nodes set `No Reset On Close`, so there should be none) and the mean execution time inside the server of the others (a statement's own time, without the commit's WAL flush). *WAL flushes* from `pg_stat_wal` (`track_wal_io_timing` on): flushes of the write-ahead log per request and their mean time, the price of `synchronous_commit = on` (one flush can serve several commits). *Backends*: every 25 ms, what the nodes' *active* backends do (`pg_stat_activity.wait_event`; CPU = no wait event): the average number active and the share of samples by wait type, with the most frequent events. `Lock` is a heavyweight lock held by another transaction (`transactionid`/`tuple` = a row another transaction is writing), `IO` mostly the WAL flush at commit, `LWLock` internal locks. Concurrency-1 rows cover both targets' requests (they alternate).");
            md.AppendLine();
            md.AppendLine("| configuration | scenario | conc. | statements/request | resets/request | mean execution ms | WAL flushes/request | mean flush ms | active backends (avg) | on CPU | Lock | IO | LWLock | other | most frequent waits |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var scenario in scenarios)
            {
                foreach (var configuration in configurations.Where(c => c != ClusterBench.Embedded))
                {
                    foreach (var c in levels)
                    {
                        var selected = Stat.Runs(runs, configuration, scenario, c, "gateway");
                        if (selected.Count == 0)
                        {
                            continue;
                        }

                        var samples = selected.Sum(r => r.WaitSamples);
                        var events = selected.SelectMany(r => r.Waits).GroupBy(w => w.Key).ToDictionary(g => g.Key, g => g.Sum(w => w.Value));
                        var waits = events.GroupBy(w => w.Key.Split(':')[0]).ToDictionary(g => g.Key, g => g.Sum(w => w.Value));
                        var active = waits.Values.Sum();
                        string Share(long count) => active == 0 ? "–" : (count / (double)active).ToString("P0", Inv);
                        var other = waits.Where(w => w.Key is not ("CPU" or "Lock" or "LWLock" or "IO")).Sum(w => w.Value);
                        var frequent = string.Join(", ", events.Where(e => e.Key != "CPU").OrderByDescending(e => e.Value).Take(2).Select(e => $"{e.Key} {Share(e.Value)}"));
                        md.AppendLine(Inv, $"| {configuration} | {scenario.Name} | {c} | {Median(selected.Select(r => r.DbStatementsPerRequest)):F2} | {Median(selected.Select(r => r.DbResetsPerRequest)):F2} | {Median(selected.Select(r => r.DbMeanMs)):F3} | {Median(selected.Select(r => r.WalSyncsPerRequest)):F2} | {Median(selected.Select(r => r.WalSyncMeanMs)):F3} | {(samples == 0 ? 0 : active / (double)samples):F2} | {Share(waits.GetValueOrDefault("CPU"))} | {Share(waits.GetValueOrDefault("Lock"))} | {Share(waits.GetValueOrDefault("IO"))} | {Share(waits.GetValueOrDefault("LWLock"))} | {Share(other)} | {frequent} |");
                    }
                }
            }

            md.AppendLine();
            var busiest = configurations.LastOrDefault(c => c != ClusterBench.Embedded);
            foreach (var scenario in scenarios)
            {
                var selected = busiest is null ? [] : Stat.Runs(runs, busiest, scenario, top, "gateway");
                if (selected.Count == 0)
                {
                    continue;
                }

                md.AppendLine(Inv, $"Statements of *{busiest}*, {scenario.Name}, concurrency {top} (medians of rounds):");
                md.AppendLine();
                md.AppendLine("| statement | per request | mean execution ms |");
                md.AppendLine("| --- | ---: | ---: |");
                foreach (var label in selected.SelectMany(r => r.Statements.Keys).Distinct().OrderByDescending(l => Median(selected.Select(r => r.Statements.GetValueOrDefault(l).Calls / (double)r.Outcome.Completed))))
                {
                    var perRequest = Median(selected.Select(r => r.Statements.GetValueOrDefault(label).Calls / (double)r.Outcome.Completed));
                    var mean = Median(selected.Where(r => r.Statements.ContainsKey(label)).Select(r => r.Statements[label].Ms / Math.Max(1, r.Statements[label].Calls)));
                    md.AppendLine(Inv, $"| {label} | {perRequest:F3} | {mean:F3} |");
                }

                md.AppendLine();
            }
        }
        else
        {
            md.AppendLine("`pg_stat_statements` was not available (start PostgreSQL with `-c shared_preload_libraries=pg_stat_statements`, as bench/cluster.sh does).");
            md.AppendLine();
        }

        md.AppendLine(facts.LockWaits is null ? "Lock waits: not counted (no server log given)."
            : facts.LockWaits.Count == 0 ? "Lock waits longer than 20 ms (`log_lock_waits`, `deadlock_timeout = 20ms`) during all the load runs: **none**."
            : "Lock waits longer than 20 ms (`log_lock_waits`, `deadlock_timeout = 20ms`) during all the load runs: " + string.Join(", ", facts.LockWaits.Select(w => $"{w.Value} × {w.Key}")) + ".");
        md.AppendLine();

        RoundTrips(md, facts.RoundTrips);

        foreach (var profile in facts.Profiles)
        {
            md.AppendLine(profile.Markdown);
        }

        if (facts.NodeRss.Count > 0)
        {
            md.AppendLine("## Node memory");
            md.AppendLine();
            md.AppendLine("Resident set after the load runs: embedded node " + Mib(facts.NodeRss[0]) + " MiB; cluster nodes " + string.Join(", ", facts.NodeRss.Skip(1).Select(Mib)) + " MiB (node 1 served every configuration, the others only behind nginx).");
            md.AppendLine();
        }

        md.AppendLine("## Every run");
        md.AppendLine();
        md.AppendLine("| round | configuration | scenario | conc. | target | requests | p50 | p90 | p99 | mean | max | req/s | db stmt/req | drain ms |");
        md.AppendLine("| ---: | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in all)
        {
            var l = r.Outcome.Latency;
            var db = r.Target == "gateway" && r.Concurrency > 1 && facts.HasStatements ? r.DbStatementsPerRequest.ToString("F2", Inv) : "–";
            md.AppendLine(Inv, $"| {r.Round} | {r.Configuration} | {r.Scenario.Name} | {r.Concurrency} | {r.Target} | {r.Outcome.Completed} | {l.P50:F3} | {l.P90:F3} | {l.P99:F3} | {l.Mean:F3} | {l.Max:F1} | {r.Outcome.RequestsPerSecond:F0} | {db} | {r.Drain.TotalMilliseconds:F0} |");
        }

        return md.ToString();
    }

    private static void RoundTrips(StringBuilder md, RoundTripResult? result)
    {
        md.AppendLine("## Database round trips of one chat request");
        md.AppendLine();
        if (result is null || result.SkippedBecause is not null)
        {
            md.AppendLine(Inv, $"Not counted: {result?.SkippedBecause ?? "the run stopped before"}.");
            md.AppendLine();
            return;
        }

        md.AppendLine(Inv, $"Counted from the server log, not estimated: a cluster node of its own (a one-silo cluster: own cluster id on the same Redis, own schema, application name `{RoundTripCounter.NodeApplicationName}`) behind a proxy that holds the upstream conversation POST for {result.ProxyDelay.TotalMilliseconds:F0} ms and, after passing its headers on, its body for {result.ProxyDelay.TotalMilliseconds:F0} ms; `log_min_duration_statement = 0` while sequential requests run (80 ms apart, after a warm-up that activates the grains and auto-prepares the statements; every request starts a new conversation, so its conversation grain activates: one read). Each logged statement execution of that node belongs to the request in flight and is placed by its log time (end of the statement, ms) against what the client saw: *before the first byte* of the response, *during the answer* (after the first byte, before `data: [DONE]` of a stream or the last byte of a whole answer: the client waits for these too), or *after its end*; *unclear* = within the same millisecond as one of those instants. A whole (non-stream) answer's first byte comes with its end, so its statements are all before, or after. A statement's parse/bind steps ride in its round trip and are not counted.");
        md.AppendLine();
        md.AppendLine("| caller | scenario | requests | **before the first byte** | during the answer | after its end | unclear | most before the first byte in one request |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var summaries = RoundTripSummary.From(result).ToList();
        foreach (var s in summaries)
        {
            md.AppendLine(Inv, $"| {s.Caller} | {s.Scenario} | {s.Requests} | **{s.Before:F2}** | {s.During:F2} | {s.After:F2} | {s.Unclear:F2} | {s.MaxBefore} |");
        }

        md.AppendLine();
        md.AppendLine("Which statements (per request; mean duration inside the server from the log):");
        md.AppendLine();
        md.AppendLine("| caller | scenario | when | statement | per request | mean ms |");
        md.AppendLine("| --- | --- | --- | --- | ---: | ---: |");
        foreach (var s in summaries)
        {
            foreach (var (label, side, perRequest, meanMs) in s.Statements)
            {
                var when = side switch
                {
                    Side.Before => "before the first byte",
                    Side.During => "during the answer",
                    Side.After => "after its end",
                    _ => "unclear",
                };
                md.AppendLine(Inv, $"| {s.Caller} | {s.Scenario} | {when} | {label} | {perRequest:F2} | {meanMs:F3} |");
            }
        }

        md.AppendLine();
        if (result.Timings.Count > 0)
        {
            md.AppendLine(Inv, $"Where the node's time goes, from the same sequential requests and as many through an **embedded node** behind a proxy of its own (medians, ms; p90 in brackets): *before the upstream call* = from the request to the moment the node's conversation POST reached the proxy (authentication, the grant of a limited user, the pool pick, and the sentinel and conduit-prepare calls through the proxy, unheld, to the simulator); *after the upstream's last byte* = from the moment the proxy had passed the upstream's whole answer on to `data: [DONE]` (a stream) or the last byte (a whole answer): relaying the rest of the answer and what is awaited before its end (the conversation record and the usage record).");
            md.AppendLine();
            md.AppendLine("| caller | scenario | before the upstream call, embedded | before the upstream call, cluster | after the upstream's last byte, embedded | after the upstream's last byte, cluster |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
            foreach (var group in result.Timings.GroupBy(t => (t.Caller, t.Scenario)))
            {
                string Cell(string node, Func<TimedRequest, double> value)
                {
                    var values = group.Where(t => t.Node == node).Select(value).Order().ToArray();
                    return values.Length == 0 ? "–" : string.Create(Inv, $"{Median(values):F2} ({values[(int)Math.Min(values.Length - 1, Math.Ceiling(values.Length * 0.9) - 1)]:F2})");
                }

                md.AppendLine(Inv, $"| {group.Key.Caller} | {group.Key.Scenario} | {Cell(RoundTripCounter.EmbeddedNode, t => t.HeadMs)} | {Cell(RoundTripCounter.ClusterNode, t => t.HeadMs)} | {Cell(RoundTripCounter.EmbeddedNode, t => t.TailMs)} | {Cell(RoundTripCounter.ClusterNode, t => t.TailMs)} |");
            }

            md.AppendLine();
        }

        md.AppendLine(result.BackgroundPerSecond.Count == 0
            ? "Background statements of the node while idle: none in the idle window before the requests."
            : "Background statements of the node while idle (not counted above): " + string.Join("; ", result.BackgroundPerSecond.Select(b => $"{b.Key} {b.Value:F2}/s")) + ".");
        if (result.ResetsPerRequest > 0)
        {
            md.AppendLine(Inv, $"Left out above: {result.ResetsPerRequest:F2} Npgsql session resets per request (a reset is prepended to the next command in the same write, so it adds server work but no round trip).");
        }

        md.AppendLine();
    }

    private static string Signed(double value, string format = "F3") =>
        double.IsNaN(value) ? "–" : value.ToString(format == "F0" ? "+0;-0" : "+0.000;-0.000", Inv);

    private static string Ratio(double a, double b) => b > 0 && !double.IsNaN(a) ? (a / b).ToString("P0", Inv) : "–";

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F0", Inv);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Medians over rounds of one target's runs in one configuration, scenario and concurrency.</summary>
    private sealed record Stat(double P50, double P99, double Mean, double Rps, double Paired)
    {
        public static List<ClusterRun> Runs(IReadOnlyList<ClusterRun> runs, string configuration, Scenario scenario, int concurrency, string target) =>
            [.. runs.Where(r => r.Configuration == configuration && r.Scenario == scenario && r.Concurrency == concurrency && r.Target == target)];

        public static Stat Of(IReadOnlyList<ClusterRun> runs, string configuration, Scenario scenario, int concurrency, string target)
        {
            var selected = Runs(runs, configuration, scenario, concurrency, target);
            return new Stat(
                Median(selected.Select(r => r.Outcome.Latency.P50)),
                Median(selected.Select(r => r.Outcome.Latency.P99)),
                Median(selected.Select(r => r.Outcome.Latency.Mean)),
                Median(selected.Select(r => r.Outcome.RequestsPerSecond)),
                Median(selected.Select(r => r.Outcome.PairedDeltaP50)));
        }
    }
}
