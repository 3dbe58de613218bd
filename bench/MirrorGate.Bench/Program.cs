namespace MirrorGate.Bench;

/// <summary>Benchmark entry point (placeholder until the benchmark lands).</summary>
public static class BenchProgram
{
    public static int Main() => 0;
}
