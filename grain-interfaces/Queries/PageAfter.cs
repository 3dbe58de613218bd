namespace MirrorGate.GrainInterfaces.Queries;

/// <summary>
/// Where the next page of a newest-first list starts (keyset paging): the rows strictly older than the last row shown,
/// ties on the time broken by id, descending. A page costs the same at any depth, and rows written meanwhile neither
/// repeat nor shift a row off a page, as an offset would.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.PageAfter")]
public sealed record PageAfter([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Id);

/// <summary>The filters every console list shares: a time range (<see cref="From"/> inclusive, <see cref="To"/> exclusive), a page position and size.</summary>
[GenerateSerializer, Immutable, Alias("mg.PageWindow")]
public sealed record PageWindow(
    [property: Id(0)] DateTimeOffset? From,
    [property: Id(1)] DateTimeOffset? To,
    [property: Id(2)] PageAfter? After,
    [property: Id(3)] int Limit);
