using System.Diagnostics;
using MirrorGate.Bench.Gateway;
using MirrorGate.Bench.Load;
using MirrorGate.Bench.Profiling;
using MirrorGate.Bench.Report;
using MirrorGate.Bench.Targets;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Bench;

/// <summary>
/// One whole benchmark: the simulator in this process, the gateway in its own, warm-up, then rounds of
/// interleaved direct/gateway runs per scenario and concurrency, then the breakdown variants and the profile.
/// </summary>
internal sealed class BenchRun(BenchOptions options)
{
    private const string AccountEmail = "bench@example.com";
    private static readonly TimeSpan RunCap = TimeSpan.FromSeconds(60);
    private readonly List<RunRecord> _records = [];
    private readonly MemoryNotes _memory = new();

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var gatewayDll = options.GatewayDll ?? Path.Combine(AppContext.BaseDirectory, "MirrorGate.Api.dll");
        await using var simulator = await UpstreamSimulator.StartAsync(new SimulatorOptions
        {
            ReplyChunks = options.ReplyChunks,
            PowDifficulty = options.PowDifficulty,
        }, cancellationToken);
        var account = simulator.AddAccount(AccountEmail, plan: "plus");
        Progress($"simulator on {simulator.BaseUrl}");

        ProfileResult? profile = null;
        await using (var gateway = await StartGatewayAsync(gatewayDll, simulator, GatewayLogging.Warning, cancellationToken))
        {
            _memory.IdleAfterStart = gateway.CurrentRss();
            await using var direct = new DirectTarget(simulator.BaseUrl, simulator.GetAccount(AccountEmail).AccessToken);
            using var front = new GatewayTarget(gateway.BaseAddress, GatewayProcess.ServiceKey, options.Concurrency.Max() * 2);
            Progress($"gateway pid {gateway.ProcessId} on {gateway.BaseAddress}; first answer: {Shorten(await front.ProbeAsync(cancellationToken))}");

            ITurnTarget[] targets = [direct, front];
            Scenario[] main = [Scenario.NonStream, Scenario.Streamed];
            await WarmUpAsync(gateway, targets, main, cancellationToken);
            _memory.AfterWarmUp = gateway.CurrentRss();

            await MeasureAsync("warning log", gateway, targets, main, options.Concurrency, cancellationToken);
            if (options.Variants)
            {
                Scenario[] temporary = [Scenario.NonStreamTemporary, Scenario.StreamTemporary];
                await WarmUpAsync(gateway, targets, temporary, cancellationToken, fraction: 4);
                await MeasureAsync("warning log", gateway, targets, temporary, VariantConcurrency(), cancellationToken);
            }

            _memory.AfterMainRuns = gateway.CurrentRss();
            _memory.LifetimePeak = gateway.LifetimePeakRss();
            _memory.Requests = simulator.CallCount(SimEndpoints.FConversation);
            if (options.Profile)
            {
                profile = await Profiler.RunAsync(gateway, front, Scenario.Streamed, Math.Min(8, options.Concurrency.Max()), options.RequestsFor(8), cancellationToken);
            }

            _memory.LifetimePeakAfterProfile = gateway.LifetimePeakRss();
        }

        if (options.Variants)
        {
            // The access-log variant needs a gateway started with Information logging.
            await using var gateway = await StartGatewayAsync(gatewayDll, simulator, GatewayLogging.Information, cancellationToken);
            await using var direct = new DirectTarget(simulator.BaseUrl, simulator.GetAccount(AccountEmail).AccessToken);
            using var front = new GatewayTarget(gateway.BaseAddress, GatewayProcess.ServiceKey, options.Concurrency.Max() * 2);
            ITurnTarget[] targets = [direct, front];
            Scenario[] main = [Scenario.NonStream, Scenario.Streamed];
            var linesBefore = gateway.OutputLines;
            await WarmUpAsync(gateway, targets, main, cancellationToken, fraction: 2);
            await MeasureAsync("info log", gateway, targets, main, VariantConcurrency(), cancellationToken);
            _memory.InfoLogLines = gateway.OutputLines - linesBefore;
        }

        Progress($"done in {clock.Elapsed.TotalSeconds:F0} s");
        return MarkdownReport.Build(options, _records, _memory, profile, clock.Elapsed, gatewayDll);
    }

    private async Task<GatewayProcess> StartGatewayAsync(string gatewayDll, UpstreamSimulator simulator, GatewayLogging logging, CancellationToken cancellationToken)
    {
        var gateway = await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, logging, options, cancellationToken);
        try
        {
            // Import the newest refresh token (each import rotates it, so a second gateway needs the new one).
            await gateway.ImportAccountAsync(simulator.GetAccount(AccountEmail).RefreshToken, cancellationToken);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    private IReadOnlyList<int> VariantConcurrency() => [.. options.Concurrency.Where(c => c <= 8).DefaultIfEmpty(options.Concurrency.Min())];

    /// <summary>Brings JIT tiering, connection pools and caches of both sides to a steady state; nothing is recorded.</summary>
    private async Task WarmUpAsync(GatewayProcess gateway, IReadOnlyList<ITurnTarget> targets, IReadOnlyList<Scenario> scenarios, CancellationToken cancellationToken, int fraction = 1)
    {
        var count = Math.Max(50, options.WarmUp / fraction);
        foreach (var scenario in scenarios)
        {
            foreach (var target in targets)
            {
                var started = Stopwatch.GetTimestamp();
                var concurrency = Math.Min(8, options.Concurrency.Max());
                var outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), concurrency, count, RunCap, cancellationToken);
                await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), 1, Math.Max(20, count / 10), RunCap, cancellationToken);
                EnsureClean(outcome, $"warm-up {target.Name} {scenario.Name}", gateway);
                Progress($"warm-up {target.Name,-7} {scenario.Name,-17} {count} requests in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }
        }
    }

    /// <summary>Rounds of runs; in each round, each scenario and concurrency runs the two targets back to back, alternating which goes first.</summary>
    private async Task MeasureAsync(string configuration, GatewayProcess gateway, IReadOnlyList<ITurnTarget> targets, IReadOnlyList<Scenario> scenarios, IReadOnlyList<int> levels, CancellationToken cancellationToken)
    {
        var flip = false;
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var scenario in scenarios)
            {
                foreach (var concurrency in levels)
                {
                    if (concurrency == 1 && targets.Count == 2)
                    {
                        foreach (var record in await MeasurePairedAsync(configuration, round, gateway, targets[0], targets[1], scenario, cancellationToken))
                        {
                            _records.Add(record);
                            Report(configuration, round, scenario, concurrency, record);
                        }

                        continue;
                    }

                    var order = flip ? targets.Reverse() : targets;
                    flip = !flip;
                    foreach (var target in order)
                    {
                        var record = await MeasureOneAsync(configuration, round, gateway, target, scenario, concurrency, cancellationToken);
                        _records.Add(record);
                        Report(configuration, round, scenario, concurrency, record);
                    }
                }
            }
        }
    }

    private static void Report(string configuration, int round, Scenario scenario, int concurrency, RunRecord record)
    {
        var l = record.Outcome.Latency;
        Progress($"[{configuration}] round {round} {scenario.Name,-17} c={concurrency,-3} {record.Target,-7} p50 {l.P50,7:F3} ms  p99 {l.P99,7:F3} ms  mean {l.Mean,7:F3} ms  {record.Outcome.RequestsPerSecond,7:F0} req/s  gw cpu {record.GatewayCpuMsPerRequest:F3} ms/req (sys {record.GatewaySystemMsPerRequest:F3})  bench cpu {record.BenchCpuMsPerRequest:F3}, {record.BenchGcCount} GCs {record.BenchGcPauseMs:F0} ms, {record.BenchThreads} threads");
    }

    /// <summary>Concurrency 1: the two targets alternate request by request in one loop (see <see cref="PairedRunner"/>).</summary>
    private async Task<RunRecord[]> MeasurePairedAsync(string configuration, int round, GatewayProcess gateway, ITurnTarget first, ITurnTarget second, Scenario scenario, CancellationToken cancellationToken)
    {
        await Task.Delay(150, cancellationToken);
        var count = options.RequestsFor(1);
        gateway.BeginWindow();
        var (gatewayUser, gatewaySystem) = ProcFs.CpuTimes(gateway.ProcessId);
        var benchCpu = ProcFs.CpuTime(Environment.ProcessId);
        var benchPause = GC.GetTotalPauseDuration();
        var benchGcs = GC.CollectionCount(0);
        var (a, b) = await PairedRunner.RunAsync(ct => first.RunAsync(scenario, ct), ct => second.RunAsync(scenario, ct), count, RunCap * 2, cancellationToken);
        var (userAfter, systemAfter) = ProcFs.CpuTimes(gateway.ProcessId);
        var benchCpuUsed = ProcFs.CpuTime(Environment.ProcessId) - benchCpu;
        var benchPauseMs = (GC.GetTotalPauseDuration() - benchPause).TotalMilliseconds;
        var benchGcCount = GC.CollectionCount(0) - benchGcs;
        var peak = gateway.EndWindow();
        EnsureClean(a, $"{first.Name} {scenario.Name} c=1 (paired)", gateway);
        EnsureClean(b, $"{second.Name} {scenario.Name} c=1 (paired)", gateway);

        // The gateway's CPU is all spent on the gateway's requests; the bench's CPU is shared by both (per pair).
        var pairs = Math.Max(1, Math.Min(a.Completed, b.Completed));
        RunRecord Record(ITurnTarget target, LoadOutcome outcome) => new(round, configuration, target.Name, scenario, 1, outcome,
            target is GatewayTarget ? (userAfter - gatewayUser + systemAfter - gatewaySystem).TotalMilliseconds / Math.Max(1, outcome.Completed) : 0,
            target is GatewayTarget ? (systemAfter - gatewaySystem).TotalMilliseconds / Math.Max(1, outcome.Completed) : 0,
            benchCpuUsed.TotalMilliseconds / pairs, peak, benchGcCount, benchPauseMs, ThreadPool.ThreadCount);
        return [Record(first, a), Record(second, b)];
    }

    private async Task<RunRecord> MeasureOneAsync(string configuration, int round, GatewayProcess gateway, ITurnTarget target, Scenario scenario, int concurrency, CancellationToken cancellationToken)
    {
        // Let the previous run's stragglers (connection closes, deferred writes) settle.
        await Task.Delay(150, cancellationToken);
        var count = options.RequestsFor(concurrency);
        gateway.BeginWindow();
        var (gatewayUser, gatewaySystem) = ProcFs.CpuTimes(gateway.ProcessId);
        var benchCpu = ProcFs.CpuTime(Environment.ProcessId);
        var benchPause = GC.GetTotalPauseDuration();
        var benchGcs = GC.CollectionCount(0);
        var outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), concurrency, count, RunCap, cancellationToken);
        var (userAfter, systemAfter) = ProcFs.CpuTimes(gateway.ProcessId);
        var benchCpuUsed = ProcFs.CpuTime(Environment.ProcessId) - benchCpu;
        var benchPauseMs = (GC.GetTotalPauseDuration() - benchPause).TotalMilliseconds;
        var benchGcCount = GC.CollectionCount(0) - benchGcs;
        var peak = gateway.EndWindow();
        EnsureClean(outcome, $"{target.Name} {scenario.Name} c={concurrency}", gateway);
        var perRequest = Math.Max(1, outcome.Completed);
        return new RunRecord(round, configuration, target.Name, scenario, concurrency, outcome,
            target is GatewayTarget ? (userAfter - gatewayUser + systemAfter - gatewaySystem).TotalMilliseconds / perRequest : 0,
            target is GatewayTarget ? (systemAfter - gatewaySystem).TotalMilliseconds / perRequest : 0,
            benchCpuUsed.TotalMilliseconds / perRequest, peak, benchGcCount, benchPauseMs, ThreadPool.ThreadCount);
    }

    private static void EnsureClean(LoadOutcome outcome, string what, GatewayProcess gateway)
    {
        if (outcome.Errors > 0 || outcome.TimedOut)
        {
            throw new InvalidOperationException($"{what}: {outcome.Errors} errors, {outcome.Completed} completed{(outcome.TimedOut ? ", time cap reached" : "")}. First error: {outcome.FirstError}{Environment.NewLine}Gateway {gateway.Describe()}; its last output:{Environment.NewLine}{gateway.LastOutput()}");
        }
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    private static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>Gateway memory figures taken between phases, in bytes.</summary>
internal sealed class MemoryNotes
{
    public long IdleAfterStart { get; set; }

    public long AfterWarmUp { get; set; }

    public long AfterMainRuns { get; set; }

    public long LifetimePeak { get; set; }

    public long LifetimePeakAfterProfile { get; set; }

    /// <summary>Conversation turns the simulator served to the gateway and the direct client together.</summary>
    public int Requests { get; set; }

    /// <summary>Console lines the Information-level gateway wrote during its runs.</summary>
    public long InfoLogLines { get; set; }
}
