using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Queries;

namespace MirrorGate.GrainInterfaces.Videos;

/// <summary>
/// The video tasks of every user, for the console (docs/console-data.md), read from their searchable copy in the
/// database; a stateless worker on the caller's own silo (key <see cref="Key"/>).
/// </summary>
[Alias("mg.IVideoTaskSearchGrain")]
public interface IVideoTaskSearchGrain : IGrainWithStringKey
{
    const string Key = "video-tasks";

    /// <summary>Up to <c>query.Page.Limit</c> tasks matching <paramref name="query"/>, newest first (by creation).</summary>
    Task<ImmutableArray<VideoTaskRecord>> QueryAsync(VideoTaskQuery query);

    /// <summary>How many tasks are in each status, over the whole cluster's catalog (the <c>/metrics</c> gauge).</summary>
    Task<ImmutableDictionary<string, long>> CountByStatusAsync();
}

/// <summary>A filter on the tasks (null: any); <see cref="Status"/> is <c>PENDING</c>, <c>SUCCEEDED</c> or <c>FAILED</c>.</summary>
[GenerateSerializer, Immutable, Alias("mg.VideoTaskQuery")]
public sealed record VideoTaskQuery(
    [property: Id(0)] string? UserId,
    [property: Id(1)] string? OrgId,
    [property: Id(2)] string? Status,
    [property: Id(3)] PageWindow Page);

/// <summary>A task as the console lists it: who, what, where it stands and where its reservation stands (amount in yuan).</summary>
[GenerateSerializer, Immutable, Alias("mg.VideoTaskRecord")]
public sealed record VideoTaskRecord(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string OrgId,
    [property: Id(3)] string Model,
    [property: Id(4)] string Status,
    [property: Id(5)] string State,
    [property: Id(6)] VideoSettlement Settlement,
    [property: Id(7)] decimal Amount,
    [property: Id(8)] string? Error,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);
