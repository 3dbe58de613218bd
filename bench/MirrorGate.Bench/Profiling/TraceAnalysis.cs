using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using MirrorGate.Bench.Load;

namespace MirrorGate.Bench.Profiling;

/// <summary>
/// Reads the gateway's EventPipe trace: thread samples (1 ms apart, every managed thread) split into idle, blocked
/// (a thread parked under gateway code: sleeps, lock waits) and running (managed code, or native code that is not
/// a wait: SQLite, socket syscalls), running samples attributed to components; allocation ticks by type and by the
/// gateway method that allocated; GC counts and pauses; lock contention.
/// </summary>
internal sealed partial class TraceAnalysis
{
    /// <summary>Innermost-frame wins: the first of these found walking from the leaf decides the component.</summary>
    private static readonly (string Component, string[] Markers)[] Components =
    [
        ("Idle thread-pool workers spinning before they park", ["LowLevelSpinWaiter"]),
        ("SQLite (Microsoft.Data.Sqlite and native sqlite3)", ["Microsoft.Data.Sqlite", "SQLitePCL"]),
        ("PostgreSQL client (Npgsql)", ["Npgsql"]),
        ("Orleans dashboard (its samplers and counters)", ["Orleans.Dashboard"]),
        ("Orleans ADO.NET storage and reminders (Orleans.*.AdoNet, RelationalStorage)", ["AdoNet", "RelationalStorage"]),
        ("Orleans serializer (Orleans.Serialization)", ["Orleans.Serialization"]),
        ("Logging (Serilog, Microsoft.Extensions.Logging)", ["Serilog", "Microsoft.Extensions.Logging"]),
        ("JSON (System.Text.Json)", ["System.Text.Json"]),
        ("Proof of work and sentinel", ["ChatGpt.Sentinel"]),
        ("Upstream stream decoding (SSE, \"v1\" deltas)", ["ChatGpt.Streaming"]),
        ("Orleans runtime (messaging, scheduler, activations, grain calls, generated code)", ["Orleans.", "OrleansCodeGen"]),
        ("Reflection", ["System.Reflection", "InvokeStub_"]),
        (SocketsComponent, ["System.Net.Sockets"]),
        ("HttpClient to the upstream (System.Net.Http)", ["System.Net.Http"]),
        ("Kestrel and ASP.NET Core pipeline", ["Microsoft.AspNetCore"]),
        ("Gateway code (MirrorGate.*)", ["MirrorGate."]),
        ("Crypto and random", ["System.Security.Cryptography"]),
    ];

    private static readonly string[] IdleMarkers =
    [
        "LowLevelLifoSemaphore.", "Monitor.Wait", "WaitHandle.Wait", "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait",
        "SocketAsyncEngine.EventLoop", "FileSystemWatcher", "WorkerThreadStart", "GateThreadStart", "Heartbeat.TimerLoop",
        "Thread.Sleep", "LowLevelMonitor", "WaitThread", "Task.SpinThenBlockingWait", "Task.InternalWait", "TimerQueue",
        "ThreadPoolWorkQueue.Dispatch", "ThreadPoolTypedWorkItemQueue",
    ];

    private readonly int _processId;
    private readonly Dictionary<string, int> _components = [];
    private readonly Dictionary<string, int> _gatewayInclusive = [];
    private readonly Dictionary<string, int> _libraryInclusive = [];
    private readonly Dictionary<string, int> _blocked = [];
    private readonly Dictionary<string, int> _unattributed = [];
    private readonly Dictionary<string, long> _allocatedByType = [];
    private readonly Dictionary<string, long> _allocatedByMethod = [];
    private readonly int[] _gcByGeneration = new int[3];
    private int _idle;
    private int _running;
    private int _gcSuspended;
    private long _allocated;
    private readonly Dictionary<int, double> _gcStarted = [];
    private double _gcTotalMs;
    private double _gcMaxMs;
    private long _heapAfterLastGc;
    private long _heapMax;
    private int _contentions;
    private double _contentionMs;

    private TraceAnalysis(int processId) => _processId = processId;

    public static TraceAnalysis Analyse(string nettrace, int processId)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(nettrace);
        try
        {
            using var log = new TraceLog(etlx);
            var analysis = new TraceAnalysis(processId);
            foreach (var e in log.Events)
            {
                analysis.Observe(e);
            }

            return analysis;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    public string ToMarkdown(string title, Scenario scenario, int concurrency, LoadOutcome outcome, TimeSpan cpu, long traceBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var requests = Math.Max(1, outcome.Completed);
        var md = new StringBuilder();
        md.AppendLine("## " + title);
        md.AppendLine();
        md.AppendLine(inv, $"One extra run, not part of the figures above: {outcome.Completed} `{scenario.Name}` requests at concurrency {concurrency} while an EventPipe session (the runtime's own diagnostics port; sample profiler, GC and contention events, allocation ticks) recorded the gateway process ({traceBytes / 1024.0 / 1024.0:F1} MiB trace). Sampling slows the gateway, so read shares, not absolute times: {outcome.RequestsPerSecond:F0} req/s, p50 {outcome.Latency.P50:F2} ms, gateway CPU {cpu.TotalMilliseconds / requests:F2} ms/req during this run.");
        md.AppendLine();
        var cpuPerRequest = cpu.TotalMilliseconds / requests;
        md.AppendLine(inv, $"Thread samples (one per managed thread per ms) per request: {_running / (double)requests:F2} ms running or runnable, **{Blocked() / (double)requests:F2} ms blocked under gateway code**, {_idle / (double)requests:F1} ms idle, {_gcSuspended / (double)requests:F2} ms suspended for GC. On 2 busy cores a runnable thread often waits for a CPU, so running samples exceed CPU time; the *≈ CPU* column spreads the measured {cpuPerRequest:F2} ms/req over the running samples. Server GC threads are native and not sampled.");
        md.AppendLine();
        md.AppendLine("| running samples by component (innermost matching frame) | share | ≈ CPU ms/req |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (component, samples) in _components.OrderByDescending(c => c.Value))
        {
            var share = samples / (double)Math.Max(1, _running);
            md.AppendLine(inv, $"| {component} | {share:P0} | {share * cpuPerRequest:F3} |");
        }

        var other = _unattributed.Values.Sum();
        if (other > 0)
        {
            md.AppendLine();
            md.AppendLine(inv, $"Largest leaves of *Runtime and other*: {string.Join("; ", _unattributed.OrderByDescending(u => u.Value).Take(5).Select(u => $"`{u.Key}` {u.Value / (double)other:P0}"))} (`?module` is native code without symbols).");
        }

        md.AppendLine();
        md.AppendLine("| gateway method (inclusive: what it calls, in the synchronous part of each async step) | share of running | ≈ CPU ms/req |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (method, samples) in _gatewayInclusive.OrderByDescending(c => c.Value).Take(18))
        {
            var share = samples / (double)Math.Max(1, _running);
            md.AppendLine(inv, $"| `{method}` | {share:P0} | {share * cpuPerRequest:F3} |");
        }

        md.AppendLine();
        if (_blocked.Count > 0)
        {
            md.AppendLine("| blocked threads: where (wait ← innermost gateway frames) | thread-ms/req |");
            md.AppendLine("| --- | ---: |");
            foreach (var (where, samples) in _blocked.OrderByDescending(c => c.Value).Take(6))
            {
                md.AppendLine(inv, $"| `{where}` | {samples / (double)requests:F3} |");
            }

            md.AppendLine();
        }

        md.AppendLine(inv, $"**Allocations: {_allocated / (double)requests / 1024:F1} KiB per request** (sum of allocation ticks, one per ~100 KB; {_allocated / 1024.0 / 1024.0:F1} MiB in all).");
        md.AppendLine();
        md.AppendLine("| type | KiB/req | share |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (type, bytes) in _allocatedByType.OrderByDescending(c => c.Value).Take(10))
        {
            md.AppendLine(inv, $"| `{type}` | {bytes / (double)requests / 1024:F1} | {bytes / (double)Math.Max(1, _allocated):P0} |");
        }

        md.AppendLine();
        md.AppendLine("| allocating site (innermost gateway frame on the tick's stack) | KiB/req | share |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (method, bytes) in _allocatedByMethod.OrderByDescending(c => c.Value).Take(12))
        {
            md.AppendLine(inv, $"| `{method}` | {bytes / (double)requests / 1024:F1} | {bytes / (double)Math.Max(1, _allocated):P0} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"GC during the run: {_gcByGeneration[0]} gen0, {_gcByGeneration[1]} gen1, {_gcByGeneration[2]} gen2 collections taking {_gcTotalMs:F1} ms in all (GC start to end; {_gcTotalMs / requests:F3} ms/req), longest {_gcMaxMs:F1} ms; heap {_heapAfterLastGc / 1024.0 / 1024.0:F1} MiB after the last GC, largest {_heapMax / 1024.0 / 1024.0:F1} MiB. Lock contention: {_contentions} waits, {_contentionMs:F1} ms in all.");
        return md.ToString();
    }

    /// <summary>
    /// The profile of a process with no request in flight: what its timers and background loops cost, per second.
    /// </summary>
    public string ToIdleMarkdown(string title, TimeSpan duration, TimeSpan cpu, long traceBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var seconds = Math.Max(0.001, duration.TotalSeconds);
        var cpuPerSecond = cpu.TotalMilliseconds / seconds;
        var md = new StringBuilder();
        md.AppendLine("## " + title);
        md.AppendLine();
        md.AppendLine(inv, $"{seconds:F0} s with no request in flight, under the same EventPipe session ({traceBytes / 1024.0 / 1024.0:F1} MiB trace): the process used **{cpuPerSecond:F0} CPU ms per second** ({cpuPerSecond / 10:F1} % of one core); {_running / seconds:F0} running thread-samples per second. The *≈ CPU* column spreads the measured CPU over the running samples.");
        md.AppendLine();
        md.AppendLine("| running samples by component (innermost matching frame) | share | ≈ CPU ms/s |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (component, samples) in _components.OrderByDescending(c => c.Value))
        {
            var share = samples / (double)Math.Max(1, _running);
            md.AppendLine(inv, $"| {component} | {share:P0} | {share * cpuPerSecond:F1} |");
        }

        md.AppendLine();
        md.AppendLine("| library or gateway method (inclusive) | share of running | ≈ CPU ms/s |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (method, samples) in _libraryInclusive.Concat(_gatewayInclusive.Select(g => KeyValuePair.Create("MirrorGate " + g.Key, g.Value))).OrderByDescending(c => c.Value).Take(25))
        {
            var share = samples / (double)Math.Max(1, _running);
            md.AppendLine(inv, $"| `{method}` | {share:P0} | {share * cpuPerSecond:F1} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"GC: {_gcByGeneration[0]} gen0, {_gcByGeneration[1]} gen1, {_gcByGeneration[2]} gen2 collections; allocations {_allocated / seconds / 1024:F0} KiB per second.");
        return md.ToString();
    }

    /// <summary>A frame of a library whose background work is worth naming (Orleans, ASP.NET Core, hosting, Npgsql, Redis, Serilog).</summary>
    private static bool IsLibraryFrame(string frame) =>
        frame.StartsWith("Orleans", StringComparison.Ordinal) || frame.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
        || frame.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) || frame.StartsWith("Npgsql", StringComparison.Ordinal)
        || frame.StartsWith("StackExchange.Redis", StringComparison.Ordinal) || frame.StartsWith("Serilog", StringComparison.Ordinal);

    /// <summary>The first two segments of a frame's namespace (<c>Orleans.Runtime</c>), to tell same-named types apart.</summary>
    private static string Namespace(string frame)
    {
        var parts = frame.Split('(')[0].Split('.');
        return parts.Length > 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    private const string SocketsComponent = "Sockets (send/receive syscalls, epoll dispatch)";

    private static string? ComponentOf(string frame) =>
        Components.FirstOrDefault(c => c.Markers.Any(m => frame.Contains(m, StringComparison.Ordinal))).Component;

    private int Blocked() => _blocked.Values.Sum();

    private void Observe(TraceEvent e)
    {
        if (e.ProcessID != _processId && e.ProcessID > 0)
        {
            return;
        }

        switch (e)
        {
            case GCAllocationTickTraceData tick:
                OnAllocation(tick);
                return;
            case GCStartTraceData start:
                _gcByGeneration[Math.Clamp(start.Depth, 0, 2)]++;
                _gcStarted[start.Count] = start.TimeStampRelativeMSec;
                return;
            case GCEndTraceData end when _gcStarted.Remove(end.Count, out var startedAt):
                var duration = end.TimeStampRelativeMSec - startedAt;
                _gcTotalMs += duration;
                _gcMaxMs = Math.Max(_gcMaxMs, duration);
                return;
            case GCHeapStatsTraceData stats:
                _heapAfterLastGc = stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4;
                _heapMax = Math.Max(_heapMax, stats.TotalHeapSize);
                return;
            case ContentionStopTraceData stop:
                _contentions++;
                _contentionMs += stop.DurationNs / 1e6;
                return;
        }

        if (e.ProviderName == "Microsoft-DotNETCore-SampleProfiler")
        {
            OnSample(e);
        }
    }

    private void OnSample(TraceEvent e)
    {
        var frames = Frames(e.CallStack());
        if (frames.Count == 0)
        {
            return;
        }

        var payload = e.EventData();
        var managed = payload.Length >= 4 && BitConverter.ToInt32(payload, 0) == 2;
        var innermost = frames.FirstOrDefault(f => !f.StartsWith('?')) ?? "";
        if (innermost.Contains("PollGC", StringComparison.Ordinal))
        {
            _gcSuspended++;
            return;
        }

        // A worker with no work spins in managed code (LowLevelSpinWaiter, often inlined into LowLevelLifoSemaphore.Wait)
        // before it blocks: a managed-code sample there is spinning, an external one is parked.
        var spinning = innermost.Contains("LowLevelSpinWaiter", StringComparison.Ordinal)
            || (managed && innermost.Contains("LowLevelLifoSemaphore.", StringComparison.Ordinal));
        var waiting = !spinning && (IdleMarkers.Any(m => innermost.Contains(m, StringComparison.Ordinal)) || frames.Any(f => f.Contains("FileSystemWatcher", StringComparison.Ordinal)));
        if (waiting && (!managed || innermost.Contains("Thread.Sleep", StringComparison.Ordinal) || innermost.Contains("WorkerThreadStart", StringComparison.Ordinal)))
        {
            var gatewayFrames = frames.Where(IsGatewayFrame).Take(2).Select(Short).ToList();
            if (gatewayFrames.Count == 0)
            {
                _idle++;
                return;
            }

            var where = Short(innermost) + " ← " + string.Join(" ← ", gatewayFrames);
            _blocked[where] = _blocked.GetValueOrDefault(where) + 1;
            return;
        }

        _running++;
        var component = spinning ? Components[0] : Components.FirstOrDefault(c => frames.Any(f => c.Markers.Any(m => f.Contains(m, StringComparison.Ordinal))));
        var name = component.Component ?? "Runtime and other (threading, GC allocation helpers, unresolved native)";
        if (component.Component is not null && !spinning)
        {
            // Innermost wins: pick the component whose marker appears closest to the leaf.
            name = frames.Select(f => Components.FirstOrDefault(c => c.Markers.Any(m => f.Contains(m, StringComparison.Ordinal))).Component).First(c => c is not null)!;
        }

        if (name == SocketsComponent)
        {
            // Whose socket work it is: the next component out from the socket frames (Kestrel, the upstream HttpClient,
            // Npgsql, Orleans' silo-to-silo messaging); none for the epoll thread itself.
            var outer = frames.SkipWhile(f => !f.Contains("System.Net.Sockets", StringComparison.Ordinal)).Select(ComponentOf)
                .FirstOrDefault(c => c is not null && c != SocketsComponent);
            name = outer is null ? name + ", no caller frame (epoll dispatch)" : $"{name}, under {outer}";
        }

        _components[name] = _components.GetValueOrDefault(name) + 1;
        if (component.Component is null)
        {
            var leaf = frames[0].StartsWith('?') ? frames[0] + " under " + Short(innermost) : Short(frames[0]);
            _unattributed[leaf] = _unattributed.GetValueOrDefault(leaf) + 1;
        }


        foreach (var method in frames.Where(f => f.StartsWith("MirrorGate.", StringComparison.Ordinal)).Select(Short).Distinct())
        {
            _gatewayInclusive[method] = _gatewayInclusive.GetValueOrDefault(method) + 1;
        }

        foreach (var method in frames.Where(IsLibraryFrame).Select(f => Namespace(f) + " " + Short(f)).Distinct())
        {
            _libraryInclusive[method] = _libraryInclusive.GetValueOrDefault(method) + 1;
        }
    }

    private void OnAllocation(GCAllocationTickTraceData tick)
    {
        _allocated += tick.AllocationAmount64;
        var type = tick.TypeName ?? "?";
        _allocatedByType[type] = _allocatedByType.GetValueOrDefault(type) + tick.AllocationAmount64;
        var frames = Frames(tick.CallStack());
        var site = frames.FirstOrDefault(f => f.StartsWith("MirrorGate.", StringComparison.Ordinal)) is { } gateway
            ? Short(gateway)
            : frames.Any(f => f.Contains("Microsoft.AspNetCore", StringComparison.Ordinal)) ? "(ASP.NET Core / Kestrel, no gateway frame)"
            : frames.Any(f => f.Contains("System.Net", StringComparison.Ordinal)) ? "(System.Net, no gateway frame)"
            : "(other, no gateway frame)";
        _allocatedByMethod[site] = _allocatedByMethod.GetValueOrDefault(site) + tick.AllocationAmount64;
    }

    private static List<string> Frames(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            frames.Add(string.IsNullOrEmpty(name) ? "?" + frame.CodeAddress.ModuleName : name);
        }

        return frames;
    }

    private static bool IsGatewayFrame(string frame) =>
        frame.StartsWith("MirrorGate.", StringComparison.Ordinal) || frame.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
        || frame.StartsWith("Npgsql", StringComparison.Ordinal);

    /// <summary><c>Ns.Type+&lt;Method&gt;d__9.MoveNext()</c> → <c>Type.Method</c>; <c>Ns.Type.Method(args)</c> → <c>Type.Method</c>.</summary>
    private static string Short(string frame)
    {
        var noArgs = frame.Split('(')[0];
        var asyncStep = AsyncStep().Match(noArgs);
        if (asyncStep.Success)
        {
            return LastSegment(asyncStep.Groups["type"].Value) + "." + asyncStep.Groups["method"].Value;
        }

        if (noArgs.EndsWith("..ctor", StringComparison.Ordinal) || noArgs.EndsWith("..cctor", StringComparison.Ordinal))
        {
            var ctor = noArgs.LastIndexOf("..", StringComparison.Ordinal);
            return LastSegment(noArgs[..ctor]) + noArgs[(ctor + 1)..];
        }

        var lastDot = noArgs.LastIndexOf('.');
        return lastDot <= 0 ? noArgs : LastSegment(noArgs[..lastDot]) + noArgs[lastDot..];
    }

    private static string LastSegment(string typeName)
    {
        var generic = typeName.IndexOf('[');
        var plain = generic < 0 ? typeName : typeName[..generic];
        var dot = plain.LastIndexOf('.');
        return dot < 0 ? plain : plain[(dot + 1)..];
    }

    [GeneratedRegex(@"^(?<type>[^<]+)\+<(?<method>[^>]+)>d__\d+")]
    private static partial Regex AsyncStep();
}
