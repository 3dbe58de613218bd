using System.Buffers.Text;
using System.Text.Json.Nodes;

namespace MirrorGate.Api.Platform.Video;

/// <summary>
/// A <c>vidu_inference</c> request, checked (seed 003 文生视频 / 图生视频; research D.6 for Vidu's own limits):
/// <c>prompt</c> (needed for text-to-video; at most 2,000 characters), <c>duration</c> 1–15 seconds (default 5),
/// <c>audio</c>, <c>off_peak</c>, <c>ratio</c> (16:9, 9:16, 4:3, 3:4, 1:1; default 16:9), <c>resolution</c> (540p,
/// 720p, 1080p; default 720p), and images — <c>images</c> (a list), or one <c>image</c> / <c>image_file</c> — each an
/// http(s) URL or a <c>data:image/…;base64,…</c> URI.
/// </summary>
public sealed record VideoRequest(string Prompt, int Duration, bool Audio, bool OffPeak, string Ratio, string Resolution, IReadOnlyList<string> Images)
{
    public const int MaxPromptLength = 2000;

    /// <summary>Data URIs are sent upstream inline; Vidu's own limit on a request is larger, but a gateway bounds what it relays.</summary>
    public const int MaxImageLength = 10 * 1024 * 1024;

    public static readonly IReadOnlyList<string> Ratios = ["16:9", "9:16", "4:3", "3:4", "1:1"];
    public static readonly IReadOnlyList<string> Resolutions = ["540p", "720p", "1080p"];

    public static (VideoRequest? Request, string? Error) Read(DspyParams parameters, string type)
    {
        var prompt = parameters.Text("prompt") ?? string.Empty;
        if (prompt.Length == 0 && type == VideoTypes.TextToVideo)
        {
            return (null, "需要提示词 (prompt)");
        }

        if (prompt.Length > MaxPromptLength)
        {
            return (null, $"提示词 (prompt) 不能超过 {MaxPromptLength} 个字符");
        }

        var duration = parameters.Integer("duration", out var durationValid) ?? 5;
        if (!durationValid || duration is < 1 or > 15)
        {
            return (null, "duration 必须是 1 到 15 的整数 (秒)");
        }

        var ratio = parameters.Text("ratio") ?? parameters.Text("aspect_ratio") ?? "16:9";
        if (!Ratios.Contains(ratio))
        {
            return (null, "ratio 必须是 " + string.Join(", ", Ratios) + " 之一");
        }

        var resolution = (parameters.Text("resolution") ?? "720p").ToLowerInvariant();
        if (!Resolutions.Contains(resolution))
        {
            return (null, "resolution 必须是 " + string.Join(", ", Resolutions) + " 之一");
        }

        if (parameters.Text("audio") is { } audioText && !IsFlag(audioText))
        {
            return (null, "audio 必须是逻辑值");
        }

        var (images, imageError) = ReadImages(parameters);
        return imageError is not null
            ? (null, imageError)
            : (new VideoRequest(prompt, (int)duration, parameters.Flag("audio"), parameters.Flag("off_peak"), ratio, resolution, images!), null);
    }

    /// <summary>The usage the task's pricing program sees (research D.7): <c>SR</c> is the resolution as a number.</summary>
    public JsonObject Usage(string model, string type) => new()
    {
        ["model"] = model,
        ["type"] = type,
        ["duration"] = Duration,
        ["resolution"] = Resolution,
        ["SR"] = int.Parse(Resolution.TrimEnd('p'), System.Globalization.CultureInfo.InvariantCulture),
        ["audio"] = Audio,
        ["off_peak"] = OffPeak,
        ["ratio"] = Ratio,
    };

    /// <summary>Vidu's submit body (research D.6), without <c>callback_url</c>, which the task adds.</summary>
    public JsonObject UpstreamBody(string model)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["duration"] = Duration,
            ["aspect_ratio"] = Ratio,
            ["resolution"] = Resolution,
            ["audio"] = Audio,
            ["off_peak"] = OffPeak,
        };
        if (Prompt.Length > 0)
        {
            body["prompt"] = Prompt;
        }

        if (Images.Count > 0)
        {
            body["images"] = new JsonArray([.. Images.Select(i => (JsonNode)i)]);
        }

        return body;
    }

    private static bool IsFlag(string text) => text.ToLowerInvariant() is "true" or "false" or "y" or "n" or "yes" or "no" or "1" or "0";

    private static (IReadOnlyList<string>? Images, string? Error) ReadImages(DspyParams parameters)
    {
        List<string> images = [];
        switch (parameters.Structured("images"))
        {
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is not JsonValue v || !v.TryGetValue<string>(out var text))
                    {
                        return (null, "images 的每一项必须是图片的 URL 或 data: URI");
                    }

                    images.Add(text.Trim());
                }

                break;
            case null when parameters.Text("images") is { } single:
                images.Add(single);
                break;
            case null:
                break;
            default:
                return (null, "images 必须是图片 URL 或 data: URI 的列表");
        }

        foreach (var name in new[] { "image", "image_file" })
        {
            if (parameters.Text(name) is { } one)
            {
                images.Add(one);
            }
        }

        foreach (var image in images)
        {
            if (Check(image) is { } error)
            {
                return (null, error);
            }
        }

        return (images, null);
    }

    private static string? Check(string image)
    {
        if (image.Length > MaxImageLength)
        {
            return $"图片不能超过 {MaxImageLength} 个字符";
        }

        if (Uri.TryCreate(image, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0)
        {
            return null;
        }

        if (image.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase) && image.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase) is var at and > 0)
        {
            var payload = image[(at + ";base64,".Length)..];
            return payload.Length > 0 && Base64.IsValid(payload) ? null : "图片的 data: URI 不是有效的 base64";
        }

        return "图片必须是 http(s) URL 或 data:image/…;base64 URI";
    }
}
