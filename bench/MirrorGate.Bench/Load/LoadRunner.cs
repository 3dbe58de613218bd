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

/// <summary>What one closed-loop run measured.</summary>
internal sealed record LoadOutcome(int Completed, int Errors, string? FirstError, LatencyStats Latency, double RequestsPerSecond, TimeSpan Wall, bool TimedOut);
