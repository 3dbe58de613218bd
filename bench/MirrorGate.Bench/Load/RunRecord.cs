namespace MirrorGate.Bench.Load;

/// <summary>One measured run: a target, a scenario and a concurrency, in one round.</summary>
/// <param name="Configuration">The gateway configuration it ran against ("main", or "access log" for the Information-level variant).</param>
/// <param name="GatewayCpuMsPerRequest">CPU time the gateway process used during the run, per request (0 for direct runs, whose gateway sits idle).</param>
/// <param name="GatewaySystemMsPerRequest">The kernel-mode part of <paramref name="GatewayCpuMsPerRequest"/> (sockets, futexes, file I/O).</param>
/// <param name="BenchCpuMsPerRequest">CPU time of this process (simulator, load driver and, for direct runs, the upstream client) per request.</param>
/// <param name="GatewayPeakRss">Largest gateway resident set sampled during the run, in bytes.</param>
/// <param name="BenchGcCount">Garbage collections in this process during the run (it hosts the simulator and the driver).</param>
/// <param name="BenchGcPauseMs">Time this process's threads were paused by its GC during the run.</param>
/// <param name="BenchThreads">Thread-pool threads of this process at the end of the run.</param>
internal sealed record RunRecord(
    int Round,
    string Configuration,
    string Target,
    Scenario Scenario,
    int Concurrency,
    LoadOutcome Outcome,
    double GatewayCpuMsPerRequest,
    double GatewaySystemMsPerRequest,
    double BenchCpuMsPerRequest,
    long GatewayPeakRss,
    int BenchGcCount,
    double BenchGcPauseMs,
    int BenchThreads);
