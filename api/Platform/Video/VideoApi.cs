using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Platform.Accounting;
using MirrorGate.Api.Platform.Billing;
using MirrorGate.GrainInterfaces.Pricing;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.Vidu;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Video;

/// <summary>
/// The 元境 video routes (seed 003; issue 12): <c>/llmage/vidu_inference.dspy</c> starts a task and streams its
/// progress as NDJSON, <c>/llmage/get_type_llms.dspy</c>, <c>/llmage/get_my_asynctasks.dspy</c> and
/// <c>/llmage/get_asynctask_status.dspy</c> read tasks, and <c>/llmage/vidu_callback.dspy</c> takes Vidu's signed
/// callbacks (docs/video.md). The task itself lives in its grain (<see cref="IVideoTaskGrain"/>): a stream that ends
/// early, or a client that goes away, stops nothing.
/// </summary>
public static partial class VideoApi
{
    public const string CallbackPath = "/llmage/vidu_callback.dspy";

    public static IEndpointRouteBuilder MapVideo(this IEndpointRouteBuilder platform)
    {
        platform.MapDspy("/llmage/vidu_inference.dspy", InferenceAsync);
        platform.MapDspy("/llmage/get_type_llms.dspy", TypeLlmsAsync);
        platform.MapDspy("/llmage/get_my_asynctasks.dspy", MyTasksAsync);
        platform.MapDspy("/llmage/get_asynctask_status.dspy", TaskStatusAsync);
        platform.MapPost(CallbackPath, CallbackAsync);
        return platform;
    }

    private static async Task<IResult> InferenceAsync(
        HttpContext context, FieldsReader fields, IGrainFactory grains, IOptionsMonitor<VideoOptions> options,
        [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        if (parameters.Text("llmid") is not { } llmid)
        {
            return DspyResults.Error("需要 llmid");
        }

        var settings = options.CurrentValue;
        if (!settings.Models.TryGetValue(llmid, out var model) || await grains.GetGrain<ILlmProductGrain>(llmid).GetAsync() is not { } product)
        {
            return DspyResults.Error($"没有找到视频模型 {llmid}");
        }

        var (request, invalid) = VideoRequest.Read(parameters, model.Type);
        if (request is null)
        {
            return DspyResults.Error(invalid!);
        }

        var (kind, unfit) = VideoTypes.Endpoint(model.Type, request.Images.Count);
        if (kind is null)
        {
            return DspyResults.Error(unfit!);
        }

        var usage = request.Usage(product.Model, model.Type);
        var (amount, cost, priceError) = await LlmBilling.PriceUsageAsync(grains, time, caller.OrgId, product, usage);
        if (priceError is not null)
        {
            return DspyResults.Error(priceError);
        }

        var taskId = NewTaskId();
        var callback = settings.CallbackBaseUrl is { } callbackBase ? CallbackBase(callbackBase) + CallbackPath + "?taskid=" + taskId : null;
        var order = new ChargeOrder(caller.UserId, product.ResellerOrgId, product.ProviderOrgId, product.LlmId, product.Name, product.Model, usage.ToJsonString(), amount, cost);
        var task = grains.GetGrain<IVideoTaskGrain>(taskId);
        var started = await task.StartAsync(new VideoTaskStart(caller.UserId, caller.OrgId, kind, request.UpstreamBody(product.Model).ToJsonString(), order, callback));
        if (started.Task is not { } view)
        {
            return DspyResults.Error(started.Refusal is VideoRefusal.InsufficientBalance ? LlmBilling.InsufficientBalance : "钱包拒绝了预扣 (reservation)");
        }

        await StreamAsync(context, task, view, model.Type, settings.StreamInterval);
        return Results.Empty;
    }

    /// <summary>One line now, a line on every change of state or progress, and the final line; a client gone ends only the stream.</summary>
    private static async Task StreamAsync(HttpContext context, IVideoTaskGrain task, VideoTaskView view, string type, TimeSpan interval)
    {
        var response = context.Response;
        response.ContentType = "application/x-ndjson; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        var aborted = context.RequestAborted;
        try
        {
            await WriteLineAsync(response, Line(view, type), aborted);
            while (!view.IsFinished)
            {
                await Task.Delay(interval, aborted);
                VideoTaskView? next;
                try
                {
                    next = await task.GetAsync();
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // The silo holding the task is going away; the task resumes elsewhere, and the next look finds it.
                    continue;
                }

                if (next is null)
                {
                    return;
                }

                if (next.Status != view.Status || next.State != view.State || next.Progress != view.Progress)
                {
                    await WriteLineAsync(response, Line(next, type), aborted);
                }

                view = next;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The client left; the task goes on in its grain.
        }
    }

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// A task as one NDJSON line (research D.7): <c>taskid</c>, <c>status</c> (<c>PENDING</c> until <c>SUCCEEDED</c> or
    /// <c>FAILED</c>), Vidu's <c>state</c>, <c>progress</c> when known, <c>type</c> (the seed asks what it holds; here
    /// the model type), and on success <c>video</c>, <c>cover</c> and <c>usage</c>, on failure <c>error</c>.
    /// </summary>
    internal static JsonObject Line(VideoTaskView view, string? type)
    {
        var line = new JsonObject { ["taskid"] = view.TaskId, ["status"] = view.Status, ["state"] = view.State };
        if (view.Progress is { } progress)
        {
            line["progress"] = progress;
        }

        if (type is not null)
        {
            line["type"] = type;
        }

        if (view.Status == VideoStatus.Succeeded)
        {
            line["video"] = view.Video;
            line["cover"] = view.Cover;
            line["usage"] = JsonNode.Parse(view.UsageJson);
        }
        else if (view.Status == VideoStatus.Failed)
        {
            line["error"] = view.Error ?? "failed";
        }

        return line;
    }

    private static async Task<IResult> TypeLlmsAsync(HttpContext context, FieldsReader fields, IGrainFactory grains, IOptionsMonitor<VideoOptions> options)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        var type = parameters.Text("type") ?? VideoTypes.TextToVideo;
        if (!VideoTypes.All.Contains(type))
        {
            return DspyResults.Error("type 必须是 " + string.Join(", ", VideoTypes.All) + " 之一");
        }

        var rows = new JsonArray();
        foreach (var (llmid, model) in options.CurrentValue.Models.Where(m => m.Value.Type == type).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            // Only models that are priced products, as the original lists only models with a ppid.
            if (await grains.GetGrain<ILlmProductGrain>(llmid).GetAsync() is { } product)
            {
                rows.Add(new JsonObject
                {
                    ["id"] = product.LlmId,
                    ["name"] = product.Name,
                    ["model"] = product.Model,
                    ["description"] = model.Description ?? product.Name,
                    ["type"] = type,
                    ["input_fields"] = InputFields(type),
                });
            }
        }

        return DspyResults.Ok(rows);
    }

    private static JsonArray InputFields(string type)
    {
        var fields = new JsonArray
        {
            new JsonObject { ["name"] = "prompt", ["uitype"] = "text", ["label"] = "提示词", ["required"] = type == VideoTypes.TextToVideo },
            new JsonObject { ["name"] = "duration", ["uitype"] = "int", ["label"] = "时长(秒)", ["min"] = 1, ["max"] = 15, ["value"] = 5 },
            new JsonObject { ["name"] = "audio", ["uitype"] = "check", ["label"] = "音频", ["value"] = false },
            new JsonObject { ["name"] = "ratio", ["uitype"] = "code", ["label"] = "比例", ["data"] = Options(VideoRequest.Ratios), ["value"] = "16:9" },
            new JsonObject { ["name"] = "resolution", ["uitype"] = "code", ["label"] = "分辨率", ["data"] = Options(VideoRequest.Resolutions), ["value"] = "720p" },
        };
        if (type != VideoTypes.TextToVideo)
        {
            fields.Add(new JsonObject
            {
                ["name"] = "images",
                ["uitype"] = "images",
                ["label"] = type == VideoTypes.ImageToVideo ? "首帧 (可加尾帧)" : "参考图片",
                ["min"] = 1,
                ["max"] = type == VideoTypes.ImageToVideo ? 2 : 7,
            });
        }

        return fields;
    }

    private static JsonArray Options(IReadOnlyList<string> values) => new([.. values.Select(v => (JsonNode)new JsonObject { ["value"] = v, ["text"] = v })]);

    private static async Task<IResult> MyTasksAsync(HttpContext context, FieldsReader fields, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        // Today's tasks, as the original lists them ("获得当天所有任务列表"), by the gateway's local date.
        var now = time.GetLocalNow();
        var today = new DateTimeOffset(now.Date, now.Offset);
        var entries = await grains.GetGrain<IVideoTaskIndexGrain>(caller.UserId).ListAsync(today);
        var views = await Task.WhenAll(entries.Select(e => grains.GetGrain<IVideoTaskGrain>(e.TaskId).GetAsync()));
        var tasks = new JsonArray();
        foreach (var view in views.OfType<VideoTaskView>().OrderByDescending(v => v.CreatedAt))
        {
            tasks.Add(new JsonObject
            {
                ["taskid"] = view.TaskId,
                ["model"] = view.Model,
                ["status"] = view.Status,
                ["state"] = view.State,
                ["progress"] = view.Progress,
                ["use_time"] = time.ToLocal(view.CreatedAt),
                ["age_seconds"] = (long)(time.GetUtcNow() - view.CreatedAt).TotalSeconds,
                ["ioinfo"] = new JsonObject { ["output"] = new JsonArray(Line(view, null)) },
            });
        }

        return DspyResults.Ok(new JsonObject { ["tasks"] = tasks });
    }

    private static string ToLocal(this TimeProvider time, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static async Task<IResult> TaskStatusAsync(HttpContext context, FieldsReader fields, IGrainFactory grains)
    {
        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        if (parameters.Text("taskid") is not { } taskId)
        {
            return DspyResults.Error("需要 taskid");
        }

        // Another user's task is answered as the original answers an unknown one.
        var view = await grains.GetGrain<IVideoTaskGrain>(taskId).GetAsync();
        var line = view is not null && view.UserId == caller.UserId
            ? Line(view, null)
            : new JsonObject { ["taskid"] = taskId, ["status"] = VideoStatus.Failed, ["error"] = $"taskid={taskId} not exist" };

        // Both spellings: the original's scripts answer the misspelt "resposne" (research D.3), the seed documents "response".
        return DspyResults.Ok(new JsonObject { ["response"] = line, ["resposne"] = line.DeepClone() });
    }

    /// <summary>
    /// Vidu's callback: the signature (<see cref="ViduCallbackSignature"/>) covers the URL, whose <c>taskid</c> names
    /// our task; the body names Vidu's. A verified callback makes the task query Vidu at once. Answers 200 either way
    /// (as the original's <c>vidu_callback.dspy</c> does), so Vidu does not retry what will never verify.
    /// </summary>
    private static async Task<IResult> CallbackAsync(
        HttpContext context, IGrainFactory grains, IOptionsMonitor<ViduOptions> vidu, IOptionsMonitor<VideoOptions> video,
        [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(VideoApi).FullName!);
        var request = context.Request;
        var settings = vidu.CurrentValue;
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        string? Header(string name) => request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

        // Vidu signs the path of the callback_url it was given, which a proxy in front may have shortened since: the
        // configured base decides. Without one no callback_url was ever given, so no callback is genuine.
        if (string.IsNullOrEmpty(settings.ApiToken) || video.CurrentValue.CallbackBaseUrl is not { } callbackBase
            || !ViduCallbackSignature.Verify(settings.ApiToken, request.Method, new Uri(CallbackBase(callbackBase) + CallbackPath).AbsolutePath, query, Header, time.GetUtcNow(), settings.CallbackClockSkew))
        {
            LogRefusedCallback(logger, "its signature does not verify");
            return DspyResults.Error("signature does not verify");
        }

        JsonObject? body;
        try
        {
            body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (request.Query["taskid"].ToString() is not { Length: > 0 } taskId || body is null || ViduTask.Parse(body) is not { } upstream)
        {
            LogRefusedCallback(logger, "it names no task");
            return DspyResults.Error("callback names no task");
        }

        return await grains.GetGrain<IVideoTaskGrain>(taskId).ReportCallbackAsync(upstream.Id) ? DspyResults.Ok() : DspyResults.Error("unknown task");
    }

    /// <summary>The configured base without a trailing slash, so a base with a path (behind a proxy prefix) keeps it.</summary>
    private static string CallbackBase(Uri callbackBase) => callbackBase.ToString().TrimEnd('/');

    /// <summary>A 21-character id, the shape of the original's <c>getID()</c> (research D.2).</summary>
    private static string NewTaskId() => RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 21);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Vidu callback was refused: {Reason}")]
    private static partial void LogRefusedCallback(ILogger logger, string reason);
}
