using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.SimHosting;

namespace MirrorGate.ViduSim;

/// <summary>
/// Vidu's task API on loopback (research D.6): <c>POST /ent/v2/{text2video|img2video|reference2video|start-end2video}</c>
/// and <c>GET /ent/v2/tasks/{id}/creations</c>, both requiring <c>Authorization: Token</c> <see cref="ApiToken"/>.
/// A task walks <c>created → queueing → processing → success</c> one <see cref="StepDelay"/> at a time (progress 0, 50,
/// 100 while processing — real Vidu may give none), and on <c>processing</c>, <c>success</c> and <c>failed</c> the
/// simulator POSTs the query's body to the task's <c>callback_url</c>, signed as platform.vidu.com describes
/// (written here apart from the gateway's verifier, from the same description).
/// <para>
/// Faults, per task, by a marker in its prompt: <c>[fail]</c> ends failed; <c>[never]</c> stays processing; <c>[slow]</c>
/// takes five times as long; <c>[submit-5xx]</c> answers the submit with 500; <c>[callback-first]</c> keeps answering
/// queries with <c>processing</c> until the final callback is sent (so only a callback can make the task finish early); <c>[dup-callback]</c> sends the final callback
/// three times, plus a stale <c>processing</c> one after it.
/// </para>
/// </summary>
public sealed class ViduSimulator : IAsyncDisposable
{
    private static readonly HashSet<string> Kinds = ["text2video", "img2video", "reference2video", "start-end2video"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SimTask> _tasks = new();
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _stopping = new();
    private Uri? _root;
    private int _submits;
    private int _callbacks;

    private ViduSimulator(string apiToken)
    {
        ApiToken = apiToken;
        _app = SimHost.CreateBuilder(typeof(ViduSimulator), [], standalone: false).Build();
        _app.MapPost("/ent/v2/{kind}", SubmitAsync);
        _app.MapGet("/ent/v2/tasks/{id}/creations", Query);
    }

    public string ApiToken { get; }

    public Uri BaseUrl => _root ?? throw new InvalidOperationException("The simulator has not started.");

    /// <summary>How long each state lasts.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Submits accepted (a 5xx fault is not counted).</summary>
    public int Submits => Volatile.Read(ref _submits);

    /// <summary>Callbacks delivered with a 2xx answer.</summary>
    public int CallbacksDelivered => Volatile.Read(ref _callbacks);

    /// <summary>The bodies submitted, by Vidu task id.</summary>
    public IReadOnlyDictionary<string, JsonObject> Submitted => _tasks.ToDictionary(t => t.Key, t => t.Value.Body);

    public static async Task<ViduSimulator> StartAsync(string apiToken = "vidu-sim-token")
    {
        var sim = new ViduSimulator(apiToken);
        sim._root = await SimHost.StartOnLoopbackAsync(sim._app);
        return sim;
    }

    /// <summary>Signs a callback the way Vidu does, for tests that forge, replay or tamper with one.</summary>
    public static string Sign(string token, string method, Uri url, string date, IReadOnlyList<(string Name, string Value)> signedHeaders)
    {
        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(url.AbsolutePath).Append('\n').Append(url.Query.TrimStart('?')).Append('\n').Append("vidu\n").Append(date).Append('\n');
        foreach (var (name, value) in signedHeaders)
        {
            text.Append(name).Append(':').Append(value).Append('\n');
        }

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(token));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Posts <paramref name="body"/> to <paramref name="url"/> as a signed callback (with <paramref name="token"/>, or the simulator's).</summary>
    public async Task<HttpResponseMessage> SendCallbackAsync(Uri url, JsonObject body, string? token = null, DateTimeOffset? date = null)
    {
        var dateText = (date ?? DateTimeOffset.UtcNow).ToString("r", CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Date", dateText);
        request.Headers.Add("x-request-nonce", nonce);
        request.Headers.Add("X-HMAC-SIGNED-HEADERS", "Date;x-request-nonce");
        request.Headers.Add("X-HMAC-ALGORITHM", "hmac-sha256");
        request.Headers.Add("X-HMAC-ACCESS-KEY", "vidu");
        request.Headers.Add("X-HMAC-SIGNATURE", Sign(token ?? ApiToken, "POST", url, dateText, [("Date", dateText), ("x-request-nonce", nonce)]));
        return await _http.SendAsync(request);
    }

    /// <summary>The query's body for a task, as a callback carries it.</summary>
    public JsonObject? Describe(string taskId) => _tasks.TryGetValue(taskId, out var task) ? task.Describe(forQuery: false) : null;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        _stopping.Dispose();
    }

    private bool Authorized(HttpRequest request) => request.Headers.Authorization.ToString() == "Token " + ApiToken;

    private async Task<IResult> SubmitAsync(HttpRequest request, string kind)
    {
        if (!Authorized(request))
        {
            return Results.Json(new { code = 401, message = "invalid token" }, statusCode: 401);
        }

        if (!Kinds.Contains(kind))
        {
            return Results.Json(new { code = 404, message = "unknown endpoint" }, statusCode: 404);
        }

        if (await JsonNode.ParseAsync(request.Body) is not JsonObject body || body["model"]?.GetValue<string>() is not { Length: > 0 })
        {
            return Results.Json(new { code = 400, message = "model is required" }, statusCode: 400);
        }

        var prompt = body["prompt"]?.GetValue<string>() ?? string.Empty;
        if (prompt.Contains("[submit-5xx]", StringComparison.Ordinal))
        {
            return Results.Json(new { code = 500, message = "internal error" }, statusCode: 500);
        }

        var images = body["images"] as JsonArray;
        var needed = kind switch { "text2video" => (0, 0), "img2video" => (1, 1), "start-end2video" => (2, 2), _ => (1, 7) };
        if ((images?.Count ?? 0) < needed.Item1 || (images?.Count ?? 0) > needed.Item2)
        {
            return Results.Json(new { code = 400, message = $"{kind} takes {needed.Item1}–{needed.Item2} images" }, statusCode: 400);
        }

        var id = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var task = new SimTask(id, body, prompt);
        _tasks[id] = task;
        Interlocked.Increment(ref _submits);
        _ = Task.Run(() => RunAsync(task));
        var answer = (JsonObject)body.DeepClone();
        answer.Remove("callback_url");
        answer["task_id"] = id;
        answer["state"] = "created";
        answer["credits"] = task.Credits;
        answer["created_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return Results.Json(answer);
    }

    private IResult Query(HttpRequest request, string id)
    {
        if (!Authorized(request))
        {
            return Results.Json(new { code = 401, message = "invalid token" }, statusCode: 401);
        }

        return _tasks.TryGetValue(id, out var task) ? Results.Json(task.Describe(forQuery: true)) : Results.Json(new { code = 404, message = "task not found" }, statusCode: 404);
    }

    private async Task RunAsync(SimTask task)
    {
        var step = task.Has("[slow]") ? StepDelay * 5 : StepDelay;
        try
        {
            await Task.Delay(step, _stopping.Token);
            task.Move("queueing", null);
            await Task.Delay(step, _stopping.Token);
            task.Move("processing", 0);
            await CallbackAsync(task);
            await Task.Delay(step / 2, _stopping.Token);
            task.Move("processing", 50);
            if (task.Has("[never]"))
            {
                return;
            }

            await Task.Delay(step / 2, _stopping.Token);
            task.Move(task.Has("[fail]") ? "failed" : "success", task.Has("[fail]") ? null : 100);
            // From the moment the final callback is sent, queries see the final state too ([callback-first]).
            task.FinalCallbackSent = true;
            var copies = task.Has("[dup-callback]") ? 3 : 1;
            for (var i = 0; i < copies; i++)
            {
                await CallbackAsync(task);
            }

            if (task.Has("[dup-callback]"))
            {
                // A stale callback arriving after the final one (out of order).
                var stale = task.Describe(forQuery: false);
                stale["state"] = "processing";
                stale["creations"] = new JsonArray();
                await DeliverAsync(task, stale);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task CallbackAsync(SimTask task) => DeliverAsync(task, task.Describe(forQuery: false));

    private async Task DeliverAsync(SimTask task, JsonObject body)
    {
        if (task.Body["callback_url"]?.GetValue<string>() is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            return;
        }

        // Vidu retries a final callback 3 times when delivery fails (research D.6).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var response = await SendCallbackAsync(target, body);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _callbacks);
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(StepDelay, _stopping.Token);
        }
    }

    private sealed class SimTask(string id, JsonObject body, string prompt)
    {
        private readonly Lock _lock = new();
        private string _state = "created";
        private int? _progress;

        public JsonObject Body { get; } = body;

        public long Credits { get; } = (body["duration"]?.GetValue<int>() ?? 5) * 10;

        public volatile bool FinalCallbackSent;

        public bool Has(string marker) => prompt.Contains(marker, StringComparison.Ordinal);

        public void Move(string state, int? progress)
        {
            lock (_lock)
            {
                (_state, _progress) = (state, progress);
            }
        }

        public JsonObject Describe(bool forQuery)
        {
            string state;
            int? progress;
            lock (_lock)
            {
                (state, progress) = (_state, _progress);
            }

            if (forQuery && Has("[callback-first]") && state is "success" or "failed" && !FinalCallbackSent)
            {
                (state, progress) = ("processing", 50);
            }

            var answer = new JsonObject
            {
                ["id"] = id,
                ["state"] = state,
                ["err_code"] = state == "failed" ? "SimulatedFailure" : string.Empty,
                ["credits"] = Credits,
                ["payload"] = Body["payload"]?.DeepClone() ?? string.Empty,
                ["creations"] = state == "success"
                    ? new JsonArray(new JsonObject
                    {
                        ["id"] = "c" + id,
                        ["url"] = $"https://vidu-sim.invalid/videos/{id}.mp4",
                        ["cover_url"] = $"https://vidu-sim.invalid/covers/{id}.jpg",
                        ["watermarked_url"] = $"https://vidu-sim.invalid/videos/{id}-wm.mp4",
                    })
                    : new JsonArray(),
            };
            if (progress is { } p)
            {
                answer["progress"] = p;
            }

            return answer;
        }
    }
}
