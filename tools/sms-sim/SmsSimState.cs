using System.Collections.Concurrent;

namespace MirrorGate.SmsSim;

/// <summary>What the simulator received, and the failures it is told to answer; thread-safe.</summary>
public sealed class SmsSimState(string apiKey)
{
    private readonly ConcurrentQueue<SmsReceived> _received = new();
    private int _failures;

    public string ApiKey { get; } = apiKey;

    /// <summary>The HTTP status the next failing sendings answer.</summary>
    public int FailureStatus { get; private set; } = 503;

    public void Record(SmsReceived message) => _received.Enqueue(message);

    public IReadOnlyList<SmsReceived> Received(string? phone) => [.. _received.Where(m => phone is null || m.Phone == phone)];

    public void FailNext(int count, int status)
    {
        FailureStatus = status;
        Interlocked.Exchange(ref _failures, count);
    }

    /// <summary>True when this sending must fail (and counts it).</summary>
    public bool TakeFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failures);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failures, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}

/// <summary>One message the simulator accepted.</summary>
public sealed record SmsReceived(string Phone, string Code, string Message, DateTimeOffset At);
