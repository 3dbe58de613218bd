using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Observability;

/// <summary>
/// The live view's numbers for this node: per-second buckets over the last <see cref="WindowSeconds"/> seconds of
/// requests, errors (status 400 and above) and a latency histogram per (route, model), and requests per user per
/// minute. Fed by <see cref="GatewayMetrics.Record"/> only. Recording takes no lock: a slot belongs to one second,
/// and the first request of a new second claims and clears it (other requests spin the few nanoseconds that takes).
/// A request whose second has already scrolled out of the window is dropped. Percentiles are read from fixed
/// latency buckets, so a p95 is the upper bound of the bucket it falls in.
/// </summary>
public sealed class LiveStats([FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    public const int WindowSeconds = 300;

    /// <summary>Upper bounds of the latency buckets, in milliseconds; a last bucket holds everything slower.</summary>
    internal static readonly double[] BoundsMs = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

    private readonly ConcurrentDictionary<(string Route, string Model), Series> _series = new();
    private readonly UserCounts _users = new();

    internal TimeProvider Time => time;

    public void Record(string route, string? model, string? user, int status, long elapsedTicks)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var key = (route, model ?? string.Empty);
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, static k => new Series(k.Route, k.Model));
        }

        series.Add(second, status >= 400, Bucket((double)elapsedTicks * 1000 / Stopwatch.Frequency));
        if (user is not null)
        {
            _users.Add(second / 60, user);
        }
    }

    /// <summary>The last <paramref name="seconds"/> whole seconds, oldest first, per series and summed.</summary>
    public LiveSnapshot Read(int seconds)
    {
        seconds = Math.Clamp(seconds, 1, WindowSeconds);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var from = now - seconds + 1;
        var total = new SeriesReading("*", "*", seconds, from);
        var series = new List<SeriesReading>();
        foreach (var s in _series.Values)
        {
            var reading = new SeriesReading(s.Route, s.Model, seconds, from);
            if (s.ReadInto(reading, total))
            {
                series.Add(reading);
            }
        }

        series.Sort((a, b) => b.Requests.CompareTo(a.Requests));
        return new LiveSnapshot(now, seconds, total, series, _users.Top(now / 60, 10));
    }

    private static int Bucket(double ms)
    {
        var bounds = BoundsMs;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (ms <= bounds[i])
            {
                return i;
            }
        }

        return bounds.Length;
    }

    /// <summary>One (route, model)'s ring of seconds.</summary>
    private sealed class Series(string route, string model)
    {
        private const int Buckets = 16;
        private const long Claimed = -1;

        private readonly long[] _stamps = new long[WindowSeconds];
        private readonly int[] _requests = new int[WindowSeconds];
        private readonly int[] _errors = new int[WindowSeconds];
        private readonly int[] _latency = new int[WindowSeconds * Buckets];

        public string Route => route;

        public string Model => model;

        public void Add(long second, bool error, int bucket)
        {
            var slot = (int)(second % WindowSeconds);
            if (!Enter(slot, second))
            {
                return;
            }

            Interlocked.Increment(ref _requests[slot]);
            if (error)
            {
                Interlocked.Increment(ref _errors[slot]);
            }

            Interlocked.Increment(ref _latency[(slot * Buckets) + bucket]);
        }

        /// <summary>Makes the slot <paramref name="second"/>'s, clearing it first when it held an older one; false for a second already gone.</summary>
        private bool Enter(int slot, long second)
        {
            var spin = default(SpinWait);
            while (true)
            {
                var stamp = Volatile.Read(ref _stamps[slot]);
                if (stamp == second)
                {
                    return true;
                }

                if (stamp == Claimed)
                {
                    spin.SpinOnce();
                    continue;
                }

                if (stamp > second)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _stamps[slot], Claimed, stamp) == stamp)
                {
                    _requests[slot] = 0;
                    _errors[slot] = 0;
                    Array.Clear(_latency, slot * Buckets, Buckets);
                    Volatile.Write(ref _stamps[slot], second);
                    return true;
                }
            }
        }

        public bool ReadInto(SeriesReading reading, SeriesReading total)
        {
            var any = false;
            for (var i = 0; i < reading.Points.Length; i++)
            {
                var second = reading.From + i;
                var slot = (int)(second % WindowSeconds);
                if (Volatile.Read(ref _stamps[slot]) != second)
                {
                    continue;
                }

                var requests = Volatile.Read(ref _requests[slot]);
                var errors = Volatile.Read(ref _errors[slot]);
                reading.Add(i, requests, errors, _latency.AsSpan(slot * Buckets, Buckets));
                total.Add(i, requests, errors, _latency.AsSpan(slot * Buckets, Buckets));
                any |= requests > 0;
            }

            return any;
        }
    }

    /// <summary>Requests per user in whole minutes (the last five), at most <see cref="MaxUsersPerMinute"/> named users a minute.</summary>
    private sealed class UserCounts
    {
        private const int Minutes = 5;
        private const int MaxUsersPerMinute = 10_000;
        private const string Others = "(others)";

        private readonly Minute?[] _minutes = new Minute?[Minutes];

        public void Add(long minute, string user)
        {
            var slot = (int)(minute % Minutes);
            var current = Volatile.Read(ref _minutes[slot]);
            if (current is null || current.Number != minute)
            {
                if (current is not null && current.Number > minute)
                {
                    return;
                }

                var fresh = new Minute(minute);
                current = Interlocked.CompareExchange(ref _minutes[slot], fresh, current) == current ? fresh : Volatile.Read(ref _minutes[slot])!;
                if (current.Number != minute)
                {
                    return;
                }
            }

            current.Add(user);
        }

        public IReadOnlyList<(string User, long Requests)> Top(long minute, int count)
        {
            var sums = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var m in _minutes)
            {
                if (m is null || m.Number <= minute - Minutes || m.Number > minute)
                {
                    continue;
                }

                foreach (var (user, box) in m.Counts)
                {
                    sums[user] = sums.GetValueOrDefault(user) + Volatile.Read(ref box.Value);
                }
            }

            return sums.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(count).Select(p => (p.Key, p.Value)).ToList();
        }

        private sealed class Minute(long number)
        {
            private int _named;

            public long Number => number;

            public ConcurrentDictionary<string, StrongBox<int>> Counts { get; } = new(StringComparer.Ordinal);

            public void Add(string user)
            {
                if (!Counts.TryGetValue(user, out var box))
                {
                    var name = Volatile.Read(ref _named) < MaxUsersPerMinute ? user : Others;
                    box = Counts.GetOrAdd(name, static _ => new StrongBox<int>());
                    if (ReferenceEquals(name, user))
                    {
                        Interlocked.Increment(ref _named);
                    }
                }

                Interlocked.Increment(ref box.Value);
            }
        }
    }
}

/// <summary>One series' (or the sum's) seconds, as read.</summary>
public sealed class SeriesReading(string route, string model, int seconds, long from)
{
    private readonly long[] _latency = new long[LiveStats.BoundsMs.Length + 1];

    public string Route => route;

    public string Model => model;

    public long From => from;

    public LivePoint[] Points { get; } = new LivePoint[seconds];

    public long Requests { get; private set; }

    public long Errors { get; private set; }

    internal void Add(int index, int requests, int errors, ReadOnlySpan<int> latency)
    {
        var point = Points[index];
        var buckets = point.Buckets ?? new long[LiveStats.BoundsMs.Length + 1];
        for (var i = 0; i < latency.Length && i < buckets.Length; i++)
        {
            var n = Volatile.Read(ref Unsafe.AsRef(in latency[i]));
            buckets[i] += n;
            _latency[i] += n;
        }

        Points[index] = new LivePoint(point.Requests + requests, point.Errors + errors, buckets);
        Requests += requests;
        Errors += errors;
    }

    /// <summary>The upper bound (ms) of the bucket holding the <paramref name="quantile"/> of the window's requests (the last bound: that or slower); null without requests.</summary>
    public double? Percentile(double quantile) => Quantile(_latency, quantile);

    internal static double? Quantile(long[]? buckets, double quantile)
    {
        if (buckets is null)
        {
            return null;
        }

        var count = buckets.Sum();
        if (count == 0)
        {
            return null;
        }

        var rank = Math.Ceiling(quantile * count);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                return LiveStats.BoundsMs[Math.Min(i, LiveStats.BoundsMs.Length - 1)];
            }
        }

        return null;
    }
}

public readonly record struct LivePoint(long Requests, long Errors, long[]? Buckets);

public sealed record LiveSnapshot(long Now, int Seconds, SeriesReading Total, IReadOnlyList<SeriesReading> Series, IReadOnlyList<(string User, long Requests)> TopUsers);
