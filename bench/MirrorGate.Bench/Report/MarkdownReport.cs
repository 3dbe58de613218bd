using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using MirrorGate.Bench.Load;
using MirrorGate.Bench.Profiling;

namespace MirrorGate.Bench.Report;

/// <summary>Turns the run records into the markdown report (medians of rounds, added = gateway − direct).</summary>
internal static class MarkdownReport
{
    private const double TargetP50 = 0.3;
    private const double TargetP99 = 2.0;

    public static string Build(BenchOptions options, IReadOnlyList<RunRecord> records, MemoryNotes memory, ProfileResult? profile, TimeSpan duration, string gatewayDll)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# MirrorGate gateway benchmark");
        md.AppendLine();
        md.AppendLine(inv, $"- Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {duration.TotalSeconds:F0} s, commit `{options.Commit ?? GitCommit()}`");
        md.AppendLine(inv, $"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; server GC in both processes (bench: {GCSettings.IsServerGC})");
        md.AppendLine(inv, $"- Simulator in its own process: {options.ReplyChunks}-chunk \"v1\" replies, proof-of-work difficulty `{options.PowDifficulty}`; gateway `{Path.GetFileName(gatewayDll)}` in its own process; load driver and direct client in the bench process; loopback HTTP/1.1");
        md.AppendLine(inv, $"- Each run: {options.Requests} requests per target at concurrency 1 (the two targets interleaved), {options.RequestsFor(2)} above; warm-up {options.WarmUp} per target and scenario first; {options.Rounds} rounds, targets alternating; figures are **medians of the round results**");
        if (options.GatewayEnvironment.Count > 0 || options.GatewaySettings.Count > 0)
        {
            md.AppendLine(inv, $"- **Experiment**: gateway started with {string.Join(", ", options.GatewayEnvironment.Select(p => $"`{p.Key}={p.Value}`").Concat(options.GatewaySettings.Select(s => $"`{s}`")))}");
        }

        md.AppendLine("- *direct* = the gateway's own upstream client (`IChatGptClient`) running the same turn (sentinel prepare + finalize, conduit prepare, conversation POST, stream decode) from the bench process; *gateway* = `POST /v1/chat/completions` to the gateway process, which does that turn itself, read whole or to `data: [DONE]`");
        md.AppendLine("- *added* = gateway − direct of the medians, per statistic. A difference of percentiles is not the percentile of the difference: read added p99 as approximate");
        md.AppendLine();

        var main = records.Where(r => r.Configuration == BenchRun.MainConfiguration).ToList();
        md.AppendLine(inv, $"## Added latency (gateway at log level Warning; target p50 added ≤ {TargetP50} ms, p99 added ≤ {TargetP99} ms)");
        md.AppendLine();
        md.AppendLine("| scenario | conc. | direct p50 | direct p99 | gateway p50 | gateway p99 | **added p50** | **added p99** | added mean | paired added p50 | target met |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |");
        foreach (var (scenario, concurrency, direct, gateway) in Pairs(main, "direct", "gateway"))
        {
            var addedP50 = gateway.P50 - direct.P50;
            var addedP99 = gateway.P99 - direct.P99;
            var met = addedP50 <= TargetP50 && addedP99 <= TargetP99 ? "yes" : "no";
            var paired = double.IsNaN(gateway.PairedDelta) ? "–" : gateway.PairedDelta.ToString("+0.000;-0.000", inv);
            md.AppendLine(inv, $"| {scenario.Name} | {concurrency} | {direct.P50:F3} | {direct.P99:F3} | {gateway.P50:F3} | {gateway.P99:F3} | **{addedP50:+0.000;-0.000}** | **{addedP99:+0.000;-0.000}** | {gateway.Mean - direct.Mean:+0.000;-0.000} | {paired} | {met} |");
        }

        md.AppendLine();
        var floor = records.Where(r => r.Configuration == BenchRun.FloorConfiguration).ToList();
        if (floor.Count > 0)
        {
            var ping = Summary.Of(floor);
            md.AppendLine(inv, $"For scale, the floor of any HTTP front end: `GET /ping` to the gateway through the same client at concurrency 1 takes p50 **{ping.P50:F3} ms**, p99 {ping.P99:F3} ms, mean {ping.Mean:F3} ms (gateway CPU {ping.GatewayCpu:F3} ms/req).");
            md.AppendLine();
        }

        md.AppendLine("Milliseconds per request, wall time from send to the end of the answer. At concurrency 1 the two targets alternate request by request in one loop (same moments, same machine state); *paired added p50* is the median over those request pairs of gateway − direct. Above 1 each target has its own run, back to back.");
        md.AppendLine();
        md.AppendLine("## Throughput and cost per request");
        md.AppendLine();
        md.AppendLine("| scenario | conc. | direct req/s | gateway req/s | gateway/direct | gateway CPU ms/req | bench CPU ms/req (direct / gateway run) | gateway peak RSS MiB |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (scenario, concurrency, direct, gateway) in Pairs(main, "direct", "gateway"))
        {
            md.AppendLine(inv, $"| {scenario.Name} | {concurrency} | {direct.Rps:F0} | {gateway.Rps:F0} | {gateway.Rps / direct.Rps:P0} | {gateway.GatewayCpu:F3} | {direct.BenchCpu:F3} / {gateway.BenchCpu:F3} | {Mib(gateway.PeakRss)} |");
        }

        md.AppendLine();
        md.AppendLine("Closed loop: each of *conc.* workers sends its next request when the previous one ends. CPU is user + system time from `/proc/<pid>/stat` over the run, divided by the requests (10 ms tick resolution). The bench process holds the load driver in both cases and the upstream client in direct runs; the simulator has its own process; on 2 cores, the gateway, the simulator and the driver compete for the same CPUs, so at concurrency above 1 the gateway's CPU cost shows up as latency.");
        md.AppendLine();

        md.AppendLine("## Gateway memory");
        md.AppendLine();
        md.AppendLine("| when | resident set (MiB) |");
        md.AppendLine("| --- | ---: |");
        md.AppendLine(inv, $"| idle, after start and account import | {Mib(memory.IdleAfterStart)} |");
        md.AppendLine(inv, $"| after warm-up | {Mib(memory.AfterWarmUp)} |");
        md.AppendLine(inv, $"| after the measured runs | {Mib(memory.AfterMainRuns)} |");
        md.AppendLine(inv, $"| largest sampled during any measured run (every 25 ms) | {Mib(main.Where(r => r.Target == "gateway").Select(r => r.GatewayPeakRss).DefaultIfEmpty(0).Max())} |");
        md.AppendLine(inv, $"| peak over the process's life (VmHWM), before the profile run | **{Mib(memory.LifetimePeak)}** |");
        md.AppendLine();
        md.AppendLine(inv, $"By then the simulator had served {memory.Requests:N0} conversation turns (gateway and direct together); each gateway turn that is not temporary activates a conversation grain (kept {IdleNote()}) and writes one row to SQLite.");
        md.AppendLine();

        var logged = records.Where(r => r.Configuration == BenchRun.LogConfiguration).ToList();
        if (logged.Count > 0)
        {
            md.AppendLine("## Variant: Information-level access log");
            md.AppendLine();
            md.AppendLine(inv, $"A second gateway process started with `Serilog:MinimumLevel=Information` (one access-log line per request to the console sink, drained through a pipe: {memory.InfoLogLines:N0} lines during its runs), measured against the Warning-level gateway above, which stays up: at concurrency 1 the two alternate request by request.");
            md.AppendLine();
            md.AppendLine("| scenario | conc. | Warning p50 | Information p50 | Warning p99 | Information p99 | **log adds, p50** | log adds, mean | paired, p50 | CPU ms/req Warning | CPU ms/req Information |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (scenario, concurrency, quiet, loud) in Pairs(logged, "gateway", "gateway, info log"))
            {
                var paired = double.IsNaN(loud.PairedDelta) ? "–" : loud.PairedDelta.ToString("+0.000;-0.000", inv);
                md.AppendLine(inv, $"| {scenario.Name} | {concurrency} | {quiet.P50:F3} | {loud.P50:F3} | {quiet.P99:F3} | {loud.P99:F3} | **{loud.P50 - quiet.P50:+0.000;-0.000}** | {loud.Mean - quiet.Mean:+0.000;-0.000} | {paired} | {quiet.GatewayCpu:F3} | {loud.GatewayCpu:F3} |");
            }

            md.AppendLine();
        }

        if (profile is not null)
        {
            md.AppendLine(profile.Markdown);
        }

        md.AppendLine("## Every run");
        md.AppendLine();
        md.AppendLine("| config | round | scenario | conc. | target | requests | p50 | p90 | p99 | mean | max | req/s | gateway CPU ms/req |");
        md.AppendLine("| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in records)
        {
            var l = r.Outcome.Latency;
            md.AppendLine(inv, $"| {r.Configuration} | {r.Round} | {r.Scenario.Name} | {r.Concurrency} | {r.Target} | {r.Outcome.Completed} | {l.P50:F3} | {l.P90:F3} | {l.P99:F3} | {l.Mean:F3} | {l.Max:F1} | {r.Outcome.RequestsPerSecond:F0} | {r.GatewayCpuMsPerRequest:F3} |");
        }

        return md.ToString();
    }

    private static IEnumerable<(Scenario Scenario, int Concurrency, Summary Direct, Summary Gateway)> Pairs(IReadOnlyList<RunRecord> records, string baseline, string subject)
    {
        foreach (var group in records.GroupBy(r => (r.Scenario, r.Concurrency)))
        {
            var direct = group.Where(r => r.Target == baseline).ToList();
            var gateway = group.Where(r => r.Target == subject).ToList();
            if (direct.Count > 0 && gateway.Count > 0)
            {
                yield return (group.Key.Scenario, group.Key.Concurrency, Summary.Of(direct), Summary.Of(gateway));
            }
        }
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string IdleNote() => "until idle for Grains:IdleTimeout, 15 min by default";

    public static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            var commit = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit(5000);
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    /// <summary>Medians over rounds of one target's runs (max for memory).</summary>
    private sealed record Summary(double P50, double P99, double Mean, double Rps, double GatewayCpu, double BenchCpu, long PeakRss, double PairedDelta)
    {
        public static Summary Of(IReadOnlyList<RunRecord> runs) => new(
            Median(runs.Select(r => r.Outcome.Latency.P50)),
            Median(runs.Select(r => r.Outcome.Latency.P99)),
            Median(runs.Select(r => r.Outcome.Latency.Mean)),
            Median(runs.Select(r => r.Outcome.RequestsPerSecond)),
            Median(runs.Select(r => r.GatewayCpuMsPerRequest)),
            Median(runs.Select(r => r.BenchCpuMsPerRequest)),
            runs.Max(r => r.GatewayPeakRss),
            Median(runs.Select(r => r.Outcome.PairedDeltaP50)));

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
            return sorted.Length == 0 ? double.NaN
                : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
                : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
