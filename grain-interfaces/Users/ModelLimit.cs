namespace MirrorGate.GrainInterfaces.Users;

/// <summary>"At most <paramref name="LimitCount"/> messages to <paramref name="ModelName"/> per <paramref name="EveryMinute"/> minutes."</summary>
[GenerateSerializer, Immutable, Alias("mg.ModelLimit")]
public sealed record ModelLimit([property: Id(0)] string ModelName, [property: Id(1)] int EveryMinute, [property: Id(2)] int LimitCount);
