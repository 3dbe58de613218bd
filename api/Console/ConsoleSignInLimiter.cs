using System.Collections.Concurrent;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>
/// Bounds password guessing: each client address may fail <see cref="ConsoleOptions.SignInAttemptsPerMinute"/> times in
/// a fixed one-minute window, per node; after that every attempt, right or wrong, is refused until the window ends.
/// Per node is enough to make guessing slow (N nodes allow N times the rate), and needs no shared state.
/// </summary>
public sealed class ConsoleSignInLimiter(IOptionsMonitor<ConsoleOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Bounded: windows that have ended are swept whenever the table grows past this many addresses.
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, Attempts> _byAddress = new(StringComparer.Ordinal);

    /// <summary>How long until <paramref name="address"/> may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        var now = time.GetUtcNow();
        return _byAddress.TryGetValue(address, out var attempts) && attempts.WindowStart + Window > now && attempts.Failures >= options.CurrentValue.SignInAttemptsPerMinute
            ? attempts.WindowStart + Window - now
            : null;
    }

    public void Failed(string address)
    {
        var now = time.GetUtcNow();
        _byAddress.AddOrUpdate(address, _ => new Attempts(now, 1), (_, old) => old.WindowStart + Window > now ? old with { Failures = old.Failures + 1 } : new Attempts(now, 1));
        if (_byAddress.Count > SweepAbove)
        {
            foreach (var (key, value) in _byAddress)
            {
                if (value.WindowStart + Window <= now)
                {
                    _byAddress.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed record Attempts(DateTimeOffset WindowStart, int Failures);
}
