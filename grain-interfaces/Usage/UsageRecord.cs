namespace MirrorGate.GrainInterfaces.Usage;

/// <summary>
/// One served request, as billed and counted. <see cref="RequestId"/> is the idempotency key: the record is stored
/// at most once per id, whoever retries, and the admin use counts are read from these records.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.UsageRecord")]
public sealed record UsageRecord(
    [property: Id(0)] string RequestId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Model,
    [property: Id(3)] string? AccountId,
    [property: Id(4)] string? UserName,
    [property: Id(5)] string NodeId,
    [property: Id(6)] int PromptTokens,
    [property: Id(7)] int CompletionTokens);
