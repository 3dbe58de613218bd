namespace MirrorGate.Silo.Usage;

/// <summary>
/// One served request, as billed and counted. <see cref="RequestId"/> is the idempotency key: the
/// record and its counter increments are stored at most once per id, whoever retries.
/// </summary>
public sealed record UsageRecord(
    string RequestId,
    DateTimeOffset At,
    string Model,
    string? AccountId,
    string? UserName,
    string NodeId,
    int PromptTokens,
    int CompletionTokens);

/// <summary>A counter to move together with a usage record (see <see cref="Counters.ICounterStore.AddAsync"/>).</summary>
public readonly record struct CounterIncrement(string Key, long Delta, TimeSpan? TimeToLive);
