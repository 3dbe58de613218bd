using MirrorGate.GrainInterfaces.Queries;

namespace MirrorGate.GrainInterfaces.Usage;

/// <summary>A filter on the usage records (null: any), newest first (docs/console-data.md).</summary>
[GenerateSerializer, Immutable, Alias("mg.UsageQuery")]
public sealed record UsageQuery(
    [property: Id(0)] string? UserName,
    [property: Id(1)] string? Model,
    [property: Id(2)] string? AccountId,
    [property: Id(3)] PageWindow Page);
