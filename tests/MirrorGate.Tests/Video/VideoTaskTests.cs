using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using static MirrorGate.Tests.Video.VideoGateway;

namespace MirrorGate.Tests.Video;

/// <summary>
/// Issue 12 through HTTP, with the seed's request shapes, against the Vidu simulator: a task is reserved at submit,
/// streamed as NDJSON, charged once on success and released on failure, however its callbacks arrive.
/// </summary>
public sealed class VideoTaskTests(VideoGateway gateway) : IClassFixture<VideoGateway>
{
    [Fact]
    public async Task A_task_that_succeeds_streams_its_progress_shows_its_video_and_is_charged_once()
    {
        var (org, session) = await gateway.CustomerAsync(100m);

        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "a cat on a boat", duration = 5, resolution = "720p", ratio = "16:9", audio = false });

        var first = lines[0];
        var last = lines[^1];
        Assert.Equal("PENDING", first["status"]!.GetValue<string>());
        var taskId = first["taskid"]!.GetValue<string>();
        Assert.Equal(21, taskId.Length);
        Assert.All(lines, l => Assert.Equal(taskId, l["taskid"]!.GetValue<string>()));
        Assert.All(lines[..^1], l => Assert.Equal("PENDING", l["status"]!.GetValue<string>()));
        Assert.Equal("SUCCEEDED", last["status"]!.GetValue<string>());
        Assert.Contains(lines, l => l["state"]!.GetValue<string>() == "processing" && l["progress"] is not null);
        Assert.StartsWith("https://vidu-sim.invalid/videos/", last["video"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(5, last["usage"]!["duration"]!.GetValue<int>());
        Assert.Equal(720, last["usage"]!["SR"]!.GetValue<int>());

        // 5 s at 720p: 2.50, charged once, with its order.
        await gateway.AssertLedgerAsync(org, 97.5m);
        var order = Assert.Single(await gateway.PaymentsAsync(org));
        Assert.Equal(TextModel, order.ProductId);
        Assert.Equal(2.5m, order.Amount);
        var orders = await DspyAsync(session, "/platformbiz/query_orders.dspy");
        Assert.Contains(orders["data"]!["rows"]!.AsArray(), r => r!["llmid"]!.GetValue<string>() == TextModel && r["amount"]!.GetValue<decimal>() == 2.5m);

        var status = await DspyAsync(session, "/llmage/get_asynctask_status.dspy?taskid=" + taskId);
        Assert.Equal("ok", status["status"]!.GetValue<string>());
        Assert.Equal(last["video"]!.GetValue<string>(), status["data"]!["response"]!["video"]!.GetValue<string>());
        Assert.Equal(status["data"]!["response"]!.ToJsonString(), status["data"]!["resposne"]!.ToJsonString());

        var mine = await DspyAsync(session, "/llmage/get_my_asynctasks.dspy");
        var listed = Assert.Single(mine["data"]!["tasks"]!.AsArray())!;
        Assert.Equal(taskId, listed["taskid"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", listed["status"]!.GetValue<string>());
        Assert.True(listed["age_seconds"]!.GetValue<long>() >= 0);
        Assert.Equal(last["video"]!.GetValue<string>(), listed["ioinfo"]!["output"]![0]!["video"]!.GetValue<string>());

        // The upstream was asked once, for the model's upstream name, with a callback to this task.
        var submitted = Assert.Single(gateway.Vidu.Submitted.Values, b => b["prompt"]?.GetValue<string>() == "a cat on a boat");
        Assert.Equal("viduq2", submitted["model"]!.GetValue<string>());
        Assert.EndsWith("/llmage/vidu_callback.dspy?taskid=" + taskId, submitted["callback_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_that_fails_upstream_is_released_and_charges_nothing()
    {
        var (org, session) = await gateway.CustomerAsync(10m);

        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "a storm [fail]", duration = 8, resolution = "1080p" });

        var last = lines[^1];
        Assert.Equal("FAILED", last["status"]!.GetValue<string>());
        Assert.Equal("SimulatedFailure", last["error"]!.GetValue<string>());
        Assert.Null(last["video"]);
        await gateway.AssertLedgerAsync(org, 10m);
        Assert.Empty(await gateway.PaymentsAsync(org));
    }

    // The console's list (docs/console-data.md) reads each task's searchable copy, which its grain rewrites at every
    // state write: a finished task is listed with its final status and where its reservation went.
    [Fact]
    public async Task The_admin_task_list_shows_every_users_tasks_by_org_and_status_and_exports_csv()
    {
        var (org, session) = await gateway.CustomerAsync(50m);
        var done = (await InferAsync(session, new { llmid = TextModel, prompt = "listed ok", duration = 2, resolution = "540p" }))[^1];
        var failed = (await InferAsync(session, new { llmid = TextModel, prompt = "listed [fail]", duration = 2, resolution = "540p" }))[^1];
        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);

        JsonArray rows = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            rows = (await admin.GetFromJsonAsync<JsonObject>($"/api/video-tasks?org={org}"))!["rows"]!.AsArray();
            return rows.Count == 2 && rows.All(r => r!["settlement"]!.GetValue<string>() != "held");
        }, "both tasks are listed settled");
        var onlyFailed = (await admin.GetFromJsonAsync<JsonObject>($"/api/video-tasks?org={org}&status=FAILED"))!["rows"]!.AsArray();
        var csv = (await admin.GetStringAsync($"/api/video-tasks?org={org}&format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([failed["taskid"]!.GetValue<string>(), done["taskid"]!.GetValue<string>()], rows.Select(r => r!["task_id"]!.GetValue<string>()));
        Assert.Equal([("FAILED", "released"), ("SUCCEEDED", "charged")], rows.Select(r => (r!["status"]!.GetValue<string>(), r["settlement"]!.GetValue<string>())));
        Assert.All(rows, r => Assert.Equal(org, r!["org"]!.GetValue<string>()));
        Assert.Equal("SimulatedFailure", Assert.Single(onlyFailed)!["error"]!.GetValue<string>());
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("task_id,created_at,updated_at,user,org,model,status,state,settlement,amount,error", csv[0], StringComparison.Ordinal);
        Assert.StartsWith(done["taskid"]!.GetValue<string>() + ",", csv[2], StringComparison.Ordinal);
        Assert.Contains(",SUCCEEDED,success,charged,", csv[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submit_the_upstream_refuses_answers_one_failed_line_and_is_released()
    {
        var (org, session) = await gateway.CustomerAsync(10m);

        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "a crash [submit-5xx]", duration = 4 });

        var line = Assert.Single(lines);
        Assert.Equal("FAILED", line["status"]!.GetValue<string>());
        Assert.Contains("HTTP 500", line["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await gateway.AssertLedgerAsync(org, 10m);
    }

    [Fact]
    public async Task Duplicate_replayed_and_stale_callbacks_change_nothing_twice()
    {
        var (org, session) = await gateway.CustomerAsync(20m);

        // The simulator sends the final callback three times, then a stale "processing" one.
        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "twins [dup-callback]", duration = 2, resolution = "1080p" });
        var taskId = lines[0]["taskid"]!.GetValue<string>();
        Assert.Equal("SUCCEEDED", lines[^1]["status"]!.GetValue<string>());
        var (upstreamId, _) = gateway.Vidu.Submitted.Single(s => s.Value["prompt"]?.GetValue<string>() == "twins [dup-callback]");
        var callbackUrl = new Uri(gateway.App.BaseAddress, "/llmage/vidu_callback.dspy?taskid=" + taskId);

        // And replays of our own, signed: the final body, a stale one, a failed one.
        var stale = gateway.Vidu.Describe(upstreamId)!;
        stale["state"] = "processing";
        var failed = gateway.Vidu.Describe(upstreamId)!;
        failed["state"] = "failed";
        foreach (var body in new[] { gateway.Vidu.Describe(upstreamId)!, stale, failed, gateway.Vidu.Describe(upstreamId)! })
        {
            using var answer = await gateway.Vidu.SendCallbackAsync(callbackUrl, body);
            Assert.Equal("ok", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        }

        // 2 s at 1080p: 2.00, once.
        await gateway.AssertLedgerAsync(org, 18m);
        Assert.Single(await gateway.PaymentsAsync(org));
        var status = await DspyAsync(session, "/llmage/get_asynctask_status.dspy", new { taskid = taskId });
        Assert.Equal("SUCCEEDED", status["data"]!["response"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_callback_that_comes_before_any_poll_could_see_the_end_finishes_the_task()
    {
        var (org, session) = await gateway.CustomerAsync(20m);
        var delivered = gateway.Vidu.CallbacksDelivered;

        // Queries answer "processing" until the final callback is sent: the callback is what ends the task.
        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "early bird [callback-first]", duration = 2, resolution = "540p" });

        Assert.Equal("SUCCEEDED", lines[^1]["status"]!.GetValue<string>());
        await Eventually.WaitUntilAsync(() => gateway.Vidu.CallbacksDelivered >= delivered + 2, "the processing and success callbacks were delivered");
        await gateway.AssertLedgerAsync(org, 19.6m);
    }

    [Fact]
    public async Task A_forged_or_stale_dated_callback_is_refused_and_changes_nothing()
    {
        var (org, session) = await gateway.CustomerAsync(20m);
        using var response = await OpenStreamAsync(session, new { llmid = TextModel, prompt = "stuck [never]", duration = 2, resolution = "720p" });
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var taskId = JsonNode.Parse((await reader.ReadLineAsync())!)!["taskid"]!.GetValue<string>();
        var upstreamId = gateway.Vidu.Submitted.Single(s => s.Value["prompt"]?.GetValue<string>() == "stuck [never]").Key;
        var url = new Uri(gateway.App.BaseAddress, "/llmage/vidu_callback.dspy?taskid=" + taskId);
        var done = gateway.Vidu.Describe(upstreamId)!;
        done["state"] = "success";

        using var forged = await gateway.Vidu.SendCallbackAsync(url, done, token: "not-the-token");
        using var old = await gateway.Vidu.SendCallbackAsync(url, done, date: DateTimeOffset.UtcNow.AddHours(-1));
        using var elsewhere = await gateway.Vidu.SendCallbackAsync(new Uri(gateway.App.BaseAddress, "/llmage/vidu_callback.dspy?taskid=no-such-task"), done);

        Assert.Equal("error", (await forged.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal("error", (await old.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal("error", (await elsewhere.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        var status = await DspyAsync(session, "/llmage/get_asynctask_status.dspy", new { taskid = taskId });
        Assert.Equal("PENDING", status["data"]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal(new MirrorGate.GrainInterfaces.Wallets.WalletBalance(19m, 1m), await BalanceAsync(gateway.App, org));
    }

    [Fact]
    public async Task A_client_that_leaves_does_not_stop_its_task()
    {
        var (org, session) = await gateway.CustomerAsync(20m);
        string taskId;
        using (var response = await OpenStreamAsync(session, new { llmid = TextModel, prompt = "left early", duration = 4, resolution = "720p" }))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            taskId = JsonNode.Parse((await reader.ReadLineAsync())!)!["taskid"]!.GetValue<string>();
        }

        await Eventually.WaitUntilAsync(
            async () => (await DspyAsync(session, "/llmage/get_asynctask_status.dspy?taskid=" + taskId))["data"]!["response"]!["status"]!.GetValue<string>() == "SUCCEEDED",
            "the task finished without its client", TimeSpan.FromSeconds(30));
        await gateway.AssertLedgerAsync(org, 18m);
    }

    [Fact]
    public async Task Image_and_reference_tasks_go_to_their_endpoints_with_their_images()
    {
        var (org, session) = await gateway.CustomerAsync(50m);
        const string png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

        var single = await InferAsync(session, new { llmid = ImageModel, prompt = "i2v one", image_file = "https://example.com/a.png", duration = 2, resolution = "540p" });
        var pair = await InferAsync(session, new { llmid = ImageModel, prompt = "i2v two", images = new[] { png, "https://example.com/b.png" }, duration = 2, resolution = "540p" });
        var reference = await InferAsync(session, new { llmid = ReferenceModel, prompt = "r2v", images = new[] { png, png, png }, duration = 2, resolution = "540p", audio = true });

        Assert.All(new[] { single, pair, reference }, lines => Assert.Equal("SUCCEEDED", lines[^1]["status"]!.GetValue<string>()));
        Assert.Single(gateway.Vidu.Submitted.Values.Single(b => b["prompt"]?.GetValue<string>() == "i2v one")["images"]!.AsArray());
        Assert.Equal(2, gateway.Vidu.Submitted.Values.Single(b => b["prompt"]?.GetValue<string>() == "i2v two")["images"]!.AsArray().Count);
        Assert.True(gateway.Vidu.Submitted.Values.Single(b => b["prompt"]?.GetValue<string>() == "r2v")["audio"]!.GetValue<bool>());

        // 0.40 + 0.40 + (0.40 + 1.00 for audio).
        await gateway.AssertLedgerAsync(org, 47.8m);
    }

    [Fact]
    public async Task A_hundred_concurrent_tasks_on_one_wallet_leave_its_balance_equal_to_its_postings()
    {
        // 30.00 covers twelve 2.50 tasks at a time; half the tasks fail and give their hold back.
        var (org, session) = await gateway.CustomerAsync(30m);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            using var response = await session.PostAsJsonAsync("/llmage/vidu_inference.dspy", new { llmid = TextModel, prompt = $"crowd {i}" + (i % 2 == 0 ? " [fail]" : string.Empty), duration = 5, resolution = "720p" });
            var text = await response.Content.ReadAsStringAsync();
            return text.StartsWith("{\"status\"", StringComparison.Ordinal)
                ? (Refused: JsonNode.Parse(text)!["data"]!["message"]!.GetValue<string>(), Status: (string?)null)
                : (Refused: (string?)null, Status: JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!["status"]!.GetValue<string>());
        })));

        Assert.All(results.Where(r => r.Refused is not null), r => Assert.Equal("账户余额不够", r.Refused));
        var succeeded = results.Count(r => r.Status == "SUCCEEDED");
        Assert.InRange(succeeded, 1, 12);
        Assert.Equal(succeeded, (await gateway.PaymentsAsync(org)).Count);
        await gateway.AssertLedgerAsync(org, 30m - (2.5m * succeeded));
    }

    [Fact]
    public async Task Type_llms_lists_the_priced_models_of_a_type_with_their_input_fields()
    {
        using var anonymous = gateway.App.CreateClient();

        var images = await DspyAsync(anonymous, "/llmage/get_type_llms.dspy?type=" + Uri.EscapeDataString("图生视频"));
        var text = await DspyAsync(anonymous, "/llmage/get_type_llms.dspy");
        var wrong = await DspyAsync(anonymous, "/llmage/get_type_llms.dspy?type=nonsense");

        var model = Assert.Single(images["data"]!.AsArray())!;
        Assert.Equal(ImageModel, model["id"]!.GetValue<string>());
        Assert.Equal("viduq2-pro", model["model"]!.GetValue<string>());
        Assert.Contains(model["input_fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "images");
        Assert.Equal(TextModel, Assert.Single(text["data"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal("error", wrong["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_or_foreign_task_id_gets_the_originals_failed_shape()
    {
        var (_, owner) = await gateway.CustomerAsync(10m);
        var (_, stranger) = await gateway.CustomerAsync(0m);
        var lines = await InferAsync(owner, new { llmid = TextModel, prompt = "private", duration = 1, resolution = "540p" });
        var taskId = lines[0]["taskid"]!.GetValue<string>();

        foreach (var (session, id) in new[] { (owner, "no-such-task"), (stranger, taskId) })
        {
            var answer = await DspyAsync(session, "/llmage/get_asynctask_status.dspy?taskid=" + id);
            Assert.Equal("ok", answer["status"]!.GetValue<string>());
            foreach (var key in new[] { "response", "resposne" })
            {
                Assert.Equal("FAILED", answer["data"]![key]!["status"]!.GetValue<string>());
                Assert.Equal($"taskid={id} not exist", answer["data"]![key]!["error"]!.GetValue<string>());
            }
        }

        Assert.Empty((await DspyAsync(stranger, "/llmage/get_my_asynctasks.dspy"))["data"]!["tasks"]!.AsArray());
    }

    /// <summary>Starts a stream and returns once its headers arrived, leaving the lines to read (or not).</summary>
    private static Task<HttpResponseMessage> OpenStreamAsync(HttpClient session, object body) =>
        session.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/llmage/vidu_inference.dspy") { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead);

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"prompt":"x"}""", "需要 llmid" },
        { """{"llmid":"nope","prompt":"x"}""", "没有找到视频模型 nope" },
        { """{"llmid":"vidu-t2v"}""", "需要提示词 (prompt)" },
        { """{"llmid":"vidu-t2v","prompt":"x","duration":0}""", "duration 必须是 1 到 15 的整数 (秒)" },
        { """{"llmid":"vidu-t2v","prompt":"x","duration":16}""", "duration 必须是 1 到 15 的整数 (秒)" },
        { """{"llmid":"vidu-t2v","prompt":"x","duration":"ten"}""", "duration 必须是 1 到 15 的整数 (秒)" },
        { """{"llmid":"vidu-t2v","prompt":"x","ratio":"2:1"}""", "ratio 必须是 16:9, 9:16, 4:3, 3:4, 1:1 之一" },
        { """{"llmid":"vidu-t2v","prompt":"x","resolution":"4k"}""", "resolution 必须是 540p, 720p, 1080p 之一" },
        { """{"llmid":"vidu-t2v","prompt":"x","audio":"maybe"}""", "audio 必须是逻辑值" },
        { """{"llmid":"vidu-t2v","prompt":"x","images":["https://example.com/a.png"]}""", "文生视频 不接受图片 (images)" },
        { """{"llmid":"vidu-i2v","prompt":"x"}""", "图生视频 需要 1 张图片 (首帧) 或 2 张 (首帧和尾帧)" },
        { """{"llmid":"vidu-i2v","prompt":"x","images":["ftp://example.com/a.png"]}""", "图片必须是 http(s) URL 或 data:image/…;base64 URI" },
        { """{"llmid":"vidu-i2v","prompt":"x","images":["data:image/png;base64,@@@"]}""", "图片的 data: URI 不是有效的 base64" },
        { """{"llmid":"vidu-i2v","prompt":"x","images":[3]}""", "images 的每一项必须是图片的 URL 或 data: URI" },
        { """{"llmid":"vidu-r2v","prompt":"x","images":["https://e.com/1","https://e.com/2","https://e.com/3","https://e.com/4","https://e.com/5","https://e.com/6","https://e.com/7","https://e.com/8"]}""", "参考生视频 需要 1 到 7 张参考图片" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_parameters_get_the_dspy_error_shape_and_nothing_is_held_or_submitted(string body, string message)
    {
        var (org, session) = await gateway.CustomerAsync(10m);
        var submits = gateway.Vidu.Submitted.Count;

        using var response = await session.PostAsync("/llmage/vidu_inference.dspy", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("error", answer["status"]!.GetValue<string>());
        Assert.Equal(message, answer["data"]!["message"]!.GetValue<string>());
        Assert.Equal(new MirrorGate.GrainInterfaces.Wallets.WalletBalance(10m, 0m), await BalanceAsync(gateway.App, org));
        Assert.Equal(submits, gateway.Vidu.Submitted.Count);
    }

    [Fact]
    public async Task No_login_and_an_empty_wallet_get_the_originals_answers()
    {
        var (org, poor) = await gateway.CustomerAsync(1m);
        using var anonymous = gateway.App.CreateClient();

        var noLogin = await DspyAsync(anonymous, "/llmage/vidu_inference.dspy", new { llmid = TextModel, prompt = "x" });
        var noMoney = await DspyAsync(poor, "/llmage/vidu_inference.dspy", new { llmid = TextModel, prompt = "too dear", duration = 5, resolution = "1080p" });
        var noLoginTasks = await DspyAsync(anonymous, "/llmage/get_my_asynctasks.dspy");

        Assert.Equal("请先登录", noLogin["data"]!["message"]!.GetValue<string>());
        Assert.Equal("账户余额不够", noMoney["data"]!["message"]!.GetValue<string>());
        Assert.Equal("请先登录", noLoginTasks["data"]!["message"]!.GetValue<string>());
        Assert.DoesNotContain(gateway.Vidu.Submitted.Values, b => b["prompt"]?.GetValue<string>() == "too dear");
        await gateway.AssertLedgerAsync(org, 1m);
    }
}

/// <summary>
/// A gateway whose tasks time out after 3 seconds: the simulator reaches <c>processing</c> after two 300 ms steps, and a
/// loaded 2-core CI machine once took the other 1.4 s of a 2 s budget before that line was seen.
/// </summary>
public sealed class ShortTimeoutVideoGateway() : VideoGateway(new Dictionary<string, string?> { ["VideoTasks:Timeout"] = "00:00:03" });

public sealed class VideoTimeoutTests(ShortTimeoutVideoGateway gateway) : IClassFixture<ShortTimeoutVideoGateway>
{
    [Fact]
    public async Task A_task_that_never_finishes_times_out_and_is_released()
    {
        var (org, session) = await gateway.CustomerAsync(10m);

        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "forever [never]", duration = 3, resolution = "720p" });

        var last = lines[^1];
        Assert.Equal("FAILED", last["status"]!.GetValue<string>());
        Assert.StartsWith("timeout", last["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l["state"]!.GetValue<string>() == "processing");
        await gateway.AssertLedgerAsync(org, 10m);
        Assert.Empty(await gateway.PaymentsAsync(org));
    }
}
