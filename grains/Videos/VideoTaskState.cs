using MirrorGate.GrainInterfaces.Videos;

namespace MirrorGate.Grains.Videos;

/// <summary>A video task's stored state: what was asked, where the upstream task stands, and where its reservation stands.</summary>
[GenerateSerializer, Alias("mg.VideoTaskState")]
public sealed class VideoTaskState
{
    [Id(0)] public VideoTaskStart? Start { get; set; }

    /// <summary>The upstream's task id; null while the submit has not answered.</summary>
    [Id(1)] public string? UpstreamTaskId { get; set; }

    [Id(2)] public string Status { get; set; } = VideoStatus.Pending;

    [Id(3)] public string State { get; set; } = "submitting";

    [Id(4)] public int? Progress { get; set; }

    [Id(5)] public string? Video { get; set; }

    [Id(6)] public string? Cover { get; set; }

    [Id(7)] public string? Error { get; set; }

    [Id(8)] public long? Credits { get; set; }

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }

    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the task fails if it has not finished (gateway clock).</summary>
    [Id(11)] public DateTimeOffset Deadline { get; set; }

    [Id(12)] public VideoSettlement Settlement { get; set; }

    public bool IsFinished => Status is VideoStatus.Succeeded or VideoStatus.Failed;
}
