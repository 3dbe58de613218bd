namespace MirrorGate.Api.Platform.Video;

/// <summary>
/// The 元境 video products (configuration section <c>Video</c>): which LLM products (<c>/api/pricing/llms</c>, by
/// llmid) are Vidu video models and of which type, and where Vidu calls back.
/// </summary>
public sealed class VideoOptions
{
    public const string SectionName = "Video";

    /// <summary>Video models by llmid, e.g. <c>Video:Models:vidu-q2:Type = 文生视频</c>. <value>None by default.</value></summary>
    public Dictionary<string, VideoModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The gateway's public base address as Vidu reaches it (e.g. <c>https://gw.example.com</c>); tasks then ask Vidu
    /// to call back at <c>{base}/llmage/vidu_callback.dspy?taskid=…</c>. <value>Empty by default: no callbacks, the
    /// task grains poll.</value>
    /// </summary>
    public Uri? CallbackBaseUrl { get; set; }

    /// <summary>How often an open <c>vidu_inference</c> stream looks at its task for a change. <value>1 second by default.</value></summary>
    public TimeSpan StreamInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One video model: its type (<c>文生视频</c>, <c>图生视频</c> or <c>参考生视频</c>) and a description for <c>get_type_llms</c>.</summary>
public sealed class VideoModelOptions
{
    public string Type { get; set; } = VideoTypes.TextToVideo;

    public string? Description { get; set; }
}

/// <summary>The original's model types (seed 003 <c>get_type_llms</c>) and the Vidu endpoints each uses (research D.6).</summary>
public static class VideoTypes
{
    public const string TextToVideo = "文生视频";
    public const string ImageToVideo = "图生视频";
    public const string ReferenceToVideo = "参考生视频";

    public static readonly IReadOnlyList<string> All = [TextToVideo, ImageToVideo, ReferenceToVideo];

    /// <summary>The Vidu endpoint for a type and a number of images, or the reason it does not fit.</summary>
    public static (string? Kind, string? Error) Endpoint(string type, int images) => type switch
    {
        TextToVideo when images == 0 => ("text2video", null),
        TextToVideo => (null, "文生视频 不接受图片 (images)"),
        ImageToVideo when images == 1 => ("img2video", null),
        ImageToVideo when images == 2 => ("start-end2video", null),
        ImageToVideo => (null, "图生视频 需要 1 张图片 (首帧) 或 2 张 (首帧和尾帧)"),
        ReferenceToVideo when images is >= 1 and <= 7 => ("reference2video", null),
        ReferenceToVideo => (null, "参考生视频 需要 1 到 7 张参考图片"),
        _ => (null, $"未知的模型类型 {type}"),
    };
}
