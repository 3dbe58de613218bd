namespace MirrorGate.GrainInterfaces.Users;

/// <summary>"At most <paramref name="LimitCount"/> messages to <paramref name="ModelName"/> per <paramref name="EveryMinute"/> minutes."</summary>
public sealed record ModelLimit(string ModelName, int EveryMinute, int LimitCount);
