using System.Diagnostics;

namespace MirrorGate.Bench.Load;

/// <summary>Percentiles of one run's per-request wall times, in milliseconds.</summary>
internal sealed record LatencyStats(double P50, double P90, double P99, double Mean, double Max)
{
    public static LatencyStats From(ReadOnlySpan<long> elapsedTicks)
    {
        if (elapsedTicks.IsEmpty)
        {
            return new LatencyStats(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = elapsedTicks.ToArray();
        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        var sum = 0.0;
        foreach (var ticks in sorted)
        {
            sum += ticks;
        }

        return new LatencyStats(Percentile(0.50), Percentile(0.90), Percentile(0.99), Ms((long)(sum / sorted.Length)), Ms(sorted[^1]));
    }
}
