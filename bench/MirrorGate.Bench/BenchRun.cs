using System.Diagnostics;
using MirrorGate.Bench.Gateway;
using MirrorGate.Bench.Load;
using MirrorGate.Bench.Profiling;
using MirrorGate.Bench.Report;
using MirrorGate.Bench.Targets;
using MirrorGate.Bench.Simulator;

namespace MirrorGate.Bench;

/// <summary>
/// One whole benchmark: the simulator and the gateway each in its own process, warm-up, then rounds of
/// direct/gateway runs per scenario and concurrency, then the breakdown variants and the profile.
/// </summary>
internal sealed class BenchRun(BenchOptions options)
{
    public const string MainConfiguration = "main";
    public const string LogConfiguration = "access log";
    public const string FloorConfiguration = "floor";

    private const string AccountEmail = "bench@example.com";
    private static readonly TimeSpan RunCap = TimeSpan.FromSeconds(60);
    private readonly List<RunRecord> _records = [];
    private readonly MemoryNotes _memory = new();

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var gatewayDll = options.GatewayDll ?? Path.Combine(AppContext.BaseDirectory, "MirrorGate.Api.dll");
        await using var simulator = await SimulatorProcess.StartAsync(options, cancellationToken);
        Progress($"simulator on {simulator.BaseUrl}");

        ProfileResult? profile = null;
        await using var gateway = await StartGatewayAsync(gatewayDll, simulator, GatewayLogging.Warning, cancellationToken);
        _memory.IdleAfterStart = gateway.CurrentRss();
        await using var direct = new DirectTarget(simulator.BaseUrl, (await simulator.LoginAsync(AccountEmail, cancellationToken)).AccessToken);
        using var front = new GatewayTarget("gateway", gateway, options.Concurrency.Max() * 2);
        Progress($"gateway pid {gateway.ProcessId} on {gateway.BaseAddress}; first answer: {Shorten(await front.ProbeAsync(cancellationToken))}");

        ITurnTarget[] targets = [direct, front];
        Scenario[] main = [Scenario.NonStream, Scenario.Streamed];
        await WarmUpAsync(gateway, targets, main, cancellationToken);
        _memory.AfterWarmUp = gateway.CurrentRss();

        await MeasureAsync(MainConfiguration, gateway, targets, main, options.Concurrency, cancellationToken);
        if (options.Variants)
        {
            Scenario[] temporary = [Scenario.NonStreamTemporary, Scenario.StreamTemporary];
            await WarmUpAsync(gateway, targets, temporary, cancellationToken, fraction: 4);
            await MeasureAsync(MainConfiguration, gateway, targets, temporary, VariantConcurrency(), cancellationToken);
        }

        await MeasureFloorAsync(gateway, front, cancellationToken);
        _memory.AfterMainRuns = gateway.CurrentRss();
        _memory.LifetimePeak = gateway.LifetimePeakRss();
        _memory.Requests = await simulator.ConversationTurnsAsync(cancellationToken);
        if (options.Profile)
        {
            profile = await Profiler.RunAsync(gateway, front, Scenario.Streamed, Math.Min(8, options.Concurrency.Max()), options.RequestsFor(8), cancellationToken);
        }

        if (options.Variants)
        {
            // The access-log variant: a second gateway at Information, measured against the first (still running, idle
            // while the other works) so that the difference is the log alone.
            await using var logged = await StartGatewayAsync(gatewayDll, simulator, GatewayLogging.Information, cancellationToken);
            using var loggedFront = new GatewayTarget("gateway, info log", logged, options.Concurrency.Max() * 2);
            ITurnTarget[] pair = [front, loggedFront];
            var linesBefore = logged.OutputLines;
            await WarmUpAsync(logged, [loggedFront], main, cancellationToken);
            await MeasureAsync(LogConfiguration, logged, pair, main, VariantConcurrency(), cancellationToken);
            _memory.InfoLogLines = logged.OutputLines - linesBefore;
        }

        Progress($"done in {clock.Elapsed.TotalSeconds:F0} s");
        return MarkdownReport.Build(options, _records, _memory, profile, clock.Elapsed, gatewayDll);
    }

    private async Task<GatewayProcess> StartGatewayAsync(string gatewayDll, SimulatorProcess simulator, GatewayLogging logging, CancellationToken cancellationToken)
    {
        var gateway = await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, logging, options, cancellationToken);
        try
        {
            // A fresh login per gateway: each import rotates the refresh token, so a second gateway needs its own.
            await gateway.ImportAccountAsync((await simulator.LoginAsync(AccountEmail, cancellationToken)).RefreshToken, cancellationToken);
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
                EnsureClean(outcome, $"warm-up {target.Name} {scenario.Name}", gateway);
                outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), 1, Math.Max(20, count / 10), RunCap, cancellationToken);
                EnsureClean(outcome, $"warm-up {target.Name} {scenario.Name} c=1", gateway);
                Progress($"warm-up {target.Name,-7} {scenario.Name,-17} {count} requests in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }
        }
    }

    /// <summary>
    /// Rounds of runs. At concurrency 1 the two targets alternate request by request in one loop; above it, each
    /// target has its own run, back to back, alternating which goes first.
    /// </summary>
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
                        Keep(await MeasurePairedAsync(configuration, round, gateway, targets[0], targets[1], scenario, cancellationToken));
                        continue;
                    }

                    var order = flip ? targets.Reverse() : targets;
                    flip = !flip;
                    foreach (var target in order)
                    {
                        Keep([await MeasureOneAsync(configuration, round, gateway, target, scenario, concurrency, cancellationToken)]);
                    }
                }
            }
        }
    }

    private void Keep(IEnumerable<RunRecord> records)
    {
        foreach (var record in records)
        {
            _records.Add(record);
            var l = record.Outcome.Latency;
            Progress($"[{record.Configuration}] round {record.Round} {record.Scenario.Name,-17} c={record.Concurrency,-3} {record.Target,-7} p50 {l.P50,7:F3} ms  p99 {l.P99,7:F3} ms  mean {l.Mean,7:F3} ms  {record.Outcome.RequestsPerSecond,7:F0} req/s  gw cpu {record.GatewayCpuMsPerRequest:F3} ms/req (sys {record.GatewaySystemMsPerRequest:F3})  bench cpu {record.BenchCpuMsPerRequest:F3}, {record.BenchGcCount} GCs {record.BenchGcPauseMs:F0} ms");
        }
    }

    /// <summary><c>GET /ping</c> at concurrency 1 through the same client: what the extra HTTP hop costs by itself.</summary>
    private async Task MeasureFloorAsync(GatewayProcess gateway, GatewayTarget front, CancellationToken cancellationToken)
    {
        var count = options.RequestsFor(1);
        await LoadRunner.RunAsync(front.PingAsync, 1, count, RunCap, cancellationToken);
        for (var round = 1; round <= options.Rounds; round++)
        {
            var window = await Window.OpenAsync(gateway, [front], cancellationToken);
            var outcome = await LoadRunner.RunAsync(front.PingAsync, 1, count, RunCap, cancellationToken);
            var closed = window.Close();
            EnsureClean(outcome, "GET /ping", gateway);
            Keep([closed.Record(FloorConfiguration, round, front, Scenario.Ping, 1, outcome, Math.Max(1, outcome.Completed))]);
        }
    }

    private async Task<RunRecord> MeasureOneAsync(string configuration, int round, GatewayProcess gateway, ITurnTarget target, Scenario scenario, int concurrency, CancellationToken cancellationToken)
    {
        var count = options.RequestsFor(concurrency);
        var window = await Window.OpenAsync(gateway, [target], cancellationToken);
        var outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), concurrency, count, RunCap, cancellationToken);
        var closed = window.Close();
        EnsureClean(outcome, $"{target.Name} {scenario.Name} c={concurrency}", gateway);
        return closed.Record(configuration, round, target, scenario, concurrency, outcome, Math.Max(1, outcome.Completed));
    }

    /// <summary>Concurrency 1: the two targets alternate request by request in one loop (see <see cref="PairedRunner"/>).</summary>
    private async Task<RunRecord[]> MeasurePairedAsync(string configuration, int round, GatewayProcess gateway, ITurnTarget first, ITurnTarget second, Scenario scenario, CancellationToken cancellationToken)
    {
        var count = options.RequestsFor(1);
        var window = await Window.OpenAsync(gateway, [first, second], cancellationToken);
        var (a, b) = await PairedRunner.RunAsync(ct => first.RunAsync(scenario, ct), ct => second.RunAsync(scenario, ct), count, RunCap * 2, cancellationToken);
        var closed = window.Close();
        EnsureClean(a, $"{first.Name} {scenario.Name} c=1 (paired)", gateway);
        EnsureClean(b, $"{second.Name} {scenario.Name} c=1 (paired)", gateway);

        // The bench's CPU is shared by both targets: it is given per pair.
        var pairs = Math.Max(1, Math.Min(a.Completed, b.Completed));
        return [closed.Record(configuration, round, first, scenario, 1, a, pairs), closed.Record(configuration, round, second, scenario, 1, b, pairs)];
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

    /// <summary>CPU, GC and memory readings around one measured run.</summary>
    private sealed class Window
    {
        private readonly GatewayProcess _gateway;
        private readonly Dictionary<ITurnTarget, (TimeSpan User, TimeSpan System)> _cpu = [];
        private TimeSpan _benchCpu;
        private TimeSpan _benchPause;
        private int _benchGcs;

        private Window(GatewayProcess gateway) => _gateway = gateway;

        public static async Task<Window> OpenAsync(GatewayProcess gateway, IReadOnlyList<ITurnTarget> targets, CancellationToken cancellationToken)
        {
            // Let the previous run's stragglers (connection closes, deferred writes) settle.
            await Task.Delay(150, cancellationToken);
            var window = new Window(gateway);
            gateway.BeginWindow();
            foreach (var target in targets)
            {
                window._cpu[target] = target is GatewayTarget { Process: { } p } ? ProcFs.CpuTimes(p.ProcessId) : default;
            }

            window._benchCpu = ProcFs.CpuTime(Environment.ProcessId);
            window._benchPause = GC.GetTotalPauseDuration();
            window._benchGcs = GC.CollectionCount(0);
            return window;
        }

        public Closed Close()
        {
            var cpu = _cpu.ToDictionary(c => c.Key, c =>
            {
                if (c.Key is not GatewayTarget { Process: { } p })
                {
                    return (User: TimeSpan.Zero, System: TimeSpan.Zero);
                }

                var (user, system) = ProcFs.CpuTimes(p.ProcessId);
                return (User: user - c.Value.User, System: system - c.Value.System);
            });
            return new Closed(cpu, ProcFs.CpuTime(Environment.ProcessId) - _benchCpu, GC.CollectionCount(0) - _benchGcs,
                (GC.GetTotalPauseDuration() - _benchPause).TotalMilliseconds, _gateway.EndWindow());
        }

        public sealed record Closed(Dictionary<ITurnTarget, (TimeSpan User, TimeSpan System)> Cpu, TimeSpan BenchCpu, int BenchGcs, double BenchPauseMs, long PeakRss)
        {
            public RunRecord Record(string configuration, int round, ITurnTarget target, Scenario scenario, int concurrency, LoadOutcome outcome, int benchDivisor)
            {
                var (user, system) = Cpu[target];
                var requests = Math.Max(1, outcome.Completed);
                return new RunRecord(round, configuration, target.Name, scenario, concurrency, outcome,
                    (user + system).TotalMilliseconds / requests, system.TotalMilliseconds / requests,
                    BenchCpu.TotalMilliseconds / benchDivisor, PeakRss, BenchGcs, BenchPauseMs, ThreadPool.ThreadCount);
            }
        }
    }
}

/// <summary>Gateway memory figures taken between phases, in bytes.</summary>
internal sealed class MemoryNotes
{
    public long IdleAfterStart { get; set; }

    public long AfterWarmUp { get; set; }

    public long AfterMainRuns { get; set; }

    public long LifetimePeak { get; set; }

    /// <summary>Conversation turns the simulator served to the gateway and the direct client together.</summary>
    public int Requests { get; set; }

    /// <summary>Console lines the Information-level gateway wrote during its runs.</summary>
    public long InfoLogLines { get; set; }
}
