using System.Diagnostics;

namespace MirrorGate.Bench.Load;

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers each send one request, wait for its end, and send the next,
/// until <c>count</c> requests have been measured or the time cap passes. Each request's wall time is taken
/// with <see cref="Stopwatch"/> timestamps around the whole call (for streams: until <c>[DONE]</c>).
/// </summary>
internal static class LoadRunner
{
    public static async Task<LoadOutcome> RunAsync(Func<CancellationToken, ValueTask> turn, int concurrency, int count, TimeSpan cap, CancellationToken cancellationToken)
    {
        var elapsed = new long[count];
        var next = -1;
        var done = 0;
        var errors = 0;
        string? firstError = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(cap);
        var token = timeout.Token;

        var started = Stopwatch.GetTimestamp();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (!token.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    if (index >= count)
                    {
                        return;
                    }

                    var t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        await turn(token);
                        elapsed[index] = Stopwatch.GetTimestamp() - t0;
                        Interlocked.Increment(ref done);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        elapsed[index] = -1;
                        if (Interlocked.Increment(ref errors) == 1)
                        {
                            firstError = ex.GetType().Name + ": " + ex.Message;
                        }
                    }
                }
            }, CancellationToken.None);
        }

        await Task.WhenAll(workers);
        var wall = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested();

        var measured = elapsed.Where(t => t > 0).ToArray();
        return new LoadOutcome(measured.Length, errors, firstError, LatencyStats.From(measured), measured.Length / wall.TotalSeconds, wall, TimedOut: measured.Length + errors < count);
    }
}

/// <summary>
/// Concurrency 1, both targets in one loop: one request to <c>first</c>, one to <c>second</c>, and so on, so the two
/// see the same machine at the same moments (drift, noisy neighbours and the simulator's growing heap cancel out).
/// Requests/s of each is its count over the time its own requests took.
/// </summary>
internal static class PairedRunner
{
    public static async Task<(LoadOutcome First, LoadOutcome Second)> RunAsync(Func<CancellationToken, ValueTask> first, Func<CancellationToken, ValueTask> second, int countEach, TimeSpan cap, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(cap);
        var a = new Series(countEach);
        var b = new Series(countEach);
        await Task.Run(async () =>
        {
            for (var i = 0; i < countEach && !timeout.IsCancellationRequested; i++)
            {
                // Alternate which goes first in each pair, so neither always follows the other.
                var (x, y, sx, sy) = i % 2 == 0 ? (first, second, a, b) : (second, first, b, a);
                await sx.MeasureAsync(x, i, timeout.Token);
                await sy.MeasureAsync(y, i, timeout.Token);
            }
        }, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        var delta = a.PairedDelta(b);
        return (a.Outcome(countEach) with { PairedDeltaP50 = delta }, b.Outcome(countEach) with { PairedDeltaP50 = delta });
    }

    private sealed class Series(int count)
    {
        private readonly long[] _elapsed = new long[count];
        private int _errors;
        private string? _firstError;

        public async Task MeasureAsync(Func<CancellationToken, ValueTask> turn, int index, CancellationToken cancellationToken)
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await turn(cancellationToken);
                _elapsed[index] = Stopwatch.GetTimestamp() - t0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Time cap reached.
            }
            catch (Exception ex)
            {
                _elapsed[index] = -1;
                _errors++;
                _firstError ??= ex.GetType().Name + ": " + ex.Message;
            }
        }

        /// <summary>Median over the pairs where both succeeded of (other − this), in ms.</summary>
        public double PairedDelta(Series other)
        {
            var deltas = _elapsed.Zip(other._elapsed).Where(p => p.First > 0 && p.Second > 0).Select(p => (p.Second - p.First) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            return deltas.Length == 0 ? double.NaN : deltas[deltas.Length / 2];
        }

        public LoadOutcome Outcome(int count)
        {
            var measured = _elapsed.Where(t => t > 0).ToArray();
            var busy = TimeSpan.FromSeconds(measured.Sum(t => (double)t) / Stopwatch.Frequency);
            return new LoadOutcome(measured.Length, _errors, _firstError, LatencyStats.From(measured), measured.Length / Math.Max(busy.TotalSeconds, 1e-9), busy, TimedOut: measured.Length + _errors < count);
        }
    }
}

/// <summary>What one closed-loop run measured.</summary>
/// <param name="PairedDeltaP50">Paired runs only: the median over request pairs of (second target − first target), in ms.</param>
internal sealed record LoadOutcome(int Completed, int Errors, string? FirstError, LatencyStats Latency, double RequestsPerSecond, TimeSpan Wall, bool TimedOut, double PairedDeltaP50 = double.NaN);
