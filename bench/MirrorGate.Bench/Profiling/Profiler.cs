using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;
using MirrorGate.Bench.Gateway;
using MirrorGate.Bench.Load;
using MirrorGate.Bench.Targets;

namespace MirrorGate.Bench.Profiling;

/// <summary>
/// A cheap profile of the gateway process (no tools to install): an EventPipe session through the runtime's
/// diagnostics port with the sample profiler (a stack of every thread each millisecond), GC events and allocation
/// ticks (one stack per ~100 KB allocated), during one extra load run. The trace is analysed by <see cref="TraceAnalysis"/>.
/// </summary>
internal static class Profiler
{
    /// <param name="title">The section's heading (the main report's by default).</param>
    public static async Task<ProfileResult> RunAsync(GatewayProcess gateway, GatewayTarget target, Scenario scenario, int concurrency, int count, CancellationToken cancellationToken,
        string title = "Where the gateway spends its time (EventPipe profile)")
    {
        var path = Path.Combine(Path.GetTempPath(), $"mirrorgate-bench-{gateway.ProcessId}.nettrace");
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Contention)),
        };
        var client = new DiagnosticsClient(gateway.ProcessId);
        LoadOutcome outcome;
        TimeSpan cpu;
        using (var session = await client.StartEventPipeSessionAsync(providers, requestRundown: true, circularBufferMB: 512, cancellationToken))
        {
            await using var file = File.Create(path);
            var copy = session.EventStream.CopyToAsync(file, cancellationToken);
            var cpuBefore = gateway.CpuTime();
            outcome = await LoadRunner.RunAsync(ct => target.RunAsync(scenario, ct), concurrency, count, TimeSpan.FromSeconds(60), cancellationToken);
            cpu = gateway.CpuTime() - cpuBefore;
            await session.StopAsync(cancellationToken);
            await copy;
        }

        try
        {
            var analysis = TraceAnalysis.Analyse(path, gateway.ProcessId);
            return new ProfileResult(analysis.ToMarkdown(title, scenario, concurrency, outcome, cpu, new FileInfo(path).Length));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A profile of a gateway process with no load: what its timers and background loops cost.</summary>
internal static class IdleProfiler
{
    public static async Task<ProfileResult> RunAsync(GatewayProcess gateway, TimeSpan duration, string title, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mirrorgate-bench-idle-{gateway.ProcessId}.nettrace");
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Contention)),
        };
        var client = new DiagnosticsClient(gateway.ProcessId);
        TimeSpan cpu;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var session = await client.StartEventPipeSessionAsync(providers, requestRundown: true, circularBufferMB: 256, cancellationToken))
        {
            await using var file = File.Create(path);
            var copy = session.EventStream.CopyToAsync(file, cancellationToken);
            var cpuBefore = gateway.CpuTime();
            clock.Restart();
            await Task.Delay(duration, cancellationToken);
            cpu = gateway.CpuTime() - cpuBefore;
            await session.StopAsync(cancellationToken);
            await copy;
        }

        try
        {
            return new ProfileResult(TraceAnalysis.Analyse(path, gateway.ProcessId).ToIdleMarkdown(title, clock.Elapsed, cpu, new FileInfo(path).Length));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>The profile section of the report.</summary>
internal sealed record ProfileResult(string Markdown);
