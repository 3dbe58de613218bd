using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MirrorGate.Bench.Gateway;
using MirrorGate.Bench.Simulator;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// Counts the database statements of one chat request, for real: a cluster node of its own (a one-silo cluster:
/// cluster id, schema and application name of its own, on the same Redis and PostgreSQL) behind a
/// <see cref="DelayProxy"/>, statement logging on
/// (<c>log_min_duration_statement = 0</c>), then sequential requests, each timed at the client (sent, first byte,
/// end). Each logged statement of that node is given to the request in flight and put before or after the
/// first byte by its timestamp; the proxy's delays keep every statement at least 30 ms from that instant, except
/// the ones a whole (non-stream) answer waits for right before it is written, which are marked when within 1 ms.
/// </summary>
internal static partial class RoundTripCounter
{
    public const string NodeApplicationName = "mg-node-rt";

    public static async Task<RoundTripResult> RunAsync(BenchOptions options, string gatewayDll, SimulatorProcess simulator, PostgresProbe probe,
        string schema, string clusterId, string secretsKey, string accountEmail, Action<string> progress, CancellationToken cancellationToken)
    {
        if (options.PostgresLog is not { } logPath || !File.Exists(logPath))
        {
            return RoundTripResult.Skipped($"no PostgreSQL log file (pass --postgres-log; got '{options.PostgresLog}')");
        }

        // First the same requests through an embedded node behind a proxy of its own (no statements to count): the
        // node's own time before the first byte and after the upstream's last byte, to set the cluster node's beside.
        List<TimedRequest> embeddedRequests;
        await using (var embeddedProxy = await DelayProxy.StartAsync(simulator.BaseUrl, cancellationToken))
        await using (var embedded = await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, GatewayLogging.Warning, options, cancellationToken,
            [$"--ChatGpt:BackendBaseUrl={embeddedProxy.BaseUrl}"]))
        {
            await embedded.ImportAccountAsync((await simulator.LoginAsync(accountEmail, cancellationToken)).RefreshToken, cancellationToken);
            var callers = await CallersAsync(embedded, accountEmail, cancellationToken);
            using var http = Client(embedded);
            await WarmUpAsync(http, callers, cancellationToken);
            progress($"round trips: embedded node pid {embedded.ProcessId} behind a {DelayProxy.Delay.TotalMilliseconds:F0} ms delay proxy, for the timings");
            embeddedRequests = await SequenceAsync(http, embeddedProxy, callers, EmbeddedNode, options.RoundTripRequests, cancellationToken);
        }

        await using var proxy = await DelayProxy.StartAsync(simulator.BaseUrl, cancellationToken);
        await using var node = await GatewayProcess.StartAsync(gatewayDll, simulator.BaseUrl, GatewayLogging.Warning, options, cancellationToken,
            [$"--ChatGpt:BackendBaseUrl={proxy.BaseUrl}", .. ClusterBench.NodeSettings(options, schema, clusterId, secretsKey, NodeApplicationName)]);
        await node.WaitForSilosAsync(1, TimeSpan.FromSeconds(60), cancellationToken);
        await node.ImportAccountAsync((await simulator.LoginAsync(accountEmail, cancellationToken)).RefreshToken, cancellationToken);
        var clusterCallers = await CallersAsync(node, accountEmail, cancellationToken);
        progress($"round trips: cluster node pid {node.ProcessId} behind a {DelayProxy.Delay.TotalMilliseconds:F0} ms delay proxy; mirror token user 'bench-user' with a limit on 'auto'");
        using var client = Client(node);
        await WarmUpAsync(client, clusterCallers, cancellationToken);

        var offset = new FileInfo(logPath).Length;
        await probe.LogStatementsAsync(on: true, cancellationToken);
        var idleFrom = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var idleUntil = DateTime.UtcNow;
        List<TimedRequest> requests;
        try
        {
            requests = await SequenceAsync(client, proxy, clusterCallers, ClusterNode, options.RoundTripRequests, cancellationToken);
            await Task.Delay(500, cancellationToken);
        }
        finally
        {
            await probe.LogStatementsAsync(on: false, CancellationToken.None);
        }

        var entries = ReadLog(logPath, offset).Where(e => e.Application == NodeApplicationName).ToList();
        progress($"round trips: {requests.Count} requests, {entries.Count} logged statement steps of the node");
        return Attribute(entries, requests, idleFrom, idleUntil) with { Timings = [.. embeddedRequests, .. requests] };
    }

    /// <summary>The node of the requests whose statements are counted.</summary>
    public const string ClusterNode = "cluster node";

    /// <summary>The node of the comparison requests (timings only).</summary>
    public const string EmbeddedNode = "embedded node";

    private static HttpClient Client(GatewayProcess node) =>
        new(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(string Name, string Bearer)[]> CallersAsync(GatewayProcess node, string accountEmail, CancellationToken cancellationToken) =>
    [
        ("service key (account pool)", GatewayProcess.ServiceKey),
        ("mirror token of a user with a limit on the model", await MirrorTokenAsync(node.BaseAddress, accountEmail, cancellationToken)),
    ];

    private static readonly Scenario[] Scenarios = [Scenario.Streamed, Scenario.NonStream];

    /// <summary>Activations (token, user, account, usage grains) loaded, statements auto-prepared (after 2 uses).</summary>
    private static async Task WarmUpAsync(HttpClient http, (string Name, string Bearer)[] callers, CancellationToken cancellationToken)
    {
        foreach (var (_, bearer) in callers)
        {
            foreach (var scenario in Scenarios)
            {
                for (var i = 0; i < 8; i++)
                {
                    await TimedRequestAsync(http, bearer, scenario, cancellationToken);
                }
            }
        }
    }

    /// <summary>Sequential requests, 80 ms apart, each with the instant the proxy finished passing the upstream's answer on.</summary>
    private static async Task<List<TimedRequest>> SequenceAsync(HttpClient http, DelayProxy proxy, (string Name, string Bearer)[] callers, string node, int count, CancellationToken cancellationToken)
    {
        var requests = new List<TimedRequest>();
        foreach (var (name, bearer) in callers)
        {
            foreach (var scenario in Scenarios)
            {
                for (var i = 0; i < count; i++)
                {
                    var (sent, firstByte, done, end) = await TimedRequestAsync(http, bearer, scenario, cancellationToken);
                    requests.Add(new TimedRequest(name, scenario.Name, sent, firstByte, done, end) { Node = node, UpstreamStart = proxy.LastPostArrival, UpstreamEnd = proxy.LastAnswerEnd });
                    await Task.Delay(80, cancellationToken);
                }
            }
        }

        return requests;
    }

    private static async Task<string> MirrorTokenAsync(Uri node, string accountEmail, CancellationToken cancellationToken)
    {
        using var admin = new HttpClient { BaseAddress = node };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayProcess.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/get-mirror-token", new JsonObject
        {
            ["user_name"] = "bench-user",
            ["limits"] = new JsonArray(new JsonObject { ["model_name"] = "auto", ["every_minute"] = 60, ["limit_count"] = 100_000 }),
            ["isolated_session"] = false,
            ["chatgpt_list"] = new JsonArray(accountEmail),
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"get-mirror-token answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)![0]!["mirror_token"]!.GetValue<string>();
    }

    private static async Task<(DateTime Sent, DateTime FirstByte, DateTime Done, DateTime End)> TimedRequestAsync(HttpClient http, string bearer, Scenario scenario, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(new JsonObject
            {
                ["model"] = "auto",
                ["stream"] = scenario.Stream,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Scenario.Prompt }),
            }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var sent = DateTime.UtcNow;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var firstByte = DateTime.UtcNow;

        // The answer ends for the client at "data: [DONE]" (a stream) or at its last byte (a whole answer); the
        // response itself ends a little later, when the handler has finished (its chunked terminator).
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        DateTime? done = null;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            body.Write(buffer, 0, read);
            if (done is null && scenario.Stream && body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf("data: [DONE]"u8) >= 0)
            {
                done = DateTime.UtcNow;
            }
        }

        var end = DateTime.UtcNow;
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        if (response.StatusCode != HttpStatusCode.OK || (scenario.Stream ? done is null : !text.Contains(Scenario.ExpectedReply, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"round-trip request answered {(int)response.StatusCode}: {text[..Math.Min(400, text.Length)]}");
        }

        return (sent, firstByte, done ?? end, end);
    }

    /// <summary>Gives each statement to the request in flight (from its send to the next one's), and places it against that request's first byte and end.</summary>
    internal static RoundTripResult Attribute(IReadOnlyList<ServerLogLine> entries, IReadOnlyList<TimedRequest> requests, DateTime idleFrom, DateTime idleUntil)
    {
        var statements = entries.Where(e => e.IsStatement).ToList();
        var idleSeconds = Math.Max(0.001, (idleUntil - idleFrom).TotalSeconds);
        // Housekeeping (Orleans' reminder table reads and writes, the providers' query table, migrations) runs on
        // timers or at start, not for requests: its rate is taken over the whole measurement, and it is never given to
        // a request. (Membership lives in Redis, so it sends nothing here.)
        var measured = Math.Max(0.001, ((requests.Count > 0 ? requests[^1].End : idleUntil) - idleFrom).TotalSeconds);
        var background = statements.Where(e => e.At >= idleFrom && (StatementLabels.IsHousekeeping(e.Text) || e.At < idleUntil)).GroupBy(e => e.Label)
            .ToDictionary(g => g.Key, g => g.Count(e => StatementLabels.IsHousekeeping(e.Text)) is var h and > 0 ? h / measured : g.Count() / idleSeconds, StringComparer.Ordinal);
        var resets = 0;

        var perRequest = new List<RequestStatements>();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var until = i + 1 < requests.Count ? requests[i + 1].Sent : DateTime.MaxValue;
            var inFlight = statements.Where(e => e.At >= request.Sent.AddMilliseconds(-1) && e.At < until
                && !StatementLabels.IsHousekeeping(e.Text) && (StatementLabels.IsReset(e.Text) || !background.ContainsKey(e.Label))).ToList();
            resets += inFlight.Count(e => StatementLabels.IsReset(e.Text));
            var mine = inFlight
                .Where(e => !StatementLabels.IsReset(e.Text))
                .Select(e => new AttributedStatement(e.Label, e.DurationMs,
                    // The log's time is the end of the statement, truncated to the millisecond.
                    e.At.AddMilliseconds(1) <= request.FirstByte ? Side.Before
                    : e.At > request.FirstByte && e.At.AddMilliseconds(1) <= request.Done ? Side.During
                    : e.At > request.Done ? Side.After
                    : Side.Unclear))
                .ToList();
            perRequest.Add(new RequestStatements(request, mine));
        }

        return new RoundTripResult(null, perRequest, background, requests.Count == 0 ? 0 : resets / (double)requests.Count, DelayProxy.Delay);
    }

    /// <summary>Entries of the server log from <paramref name="offset"/> on, in the prefix <c>%m [%p] app=%a</c> the probe sets.</summary>
    internal static List<ServerLogLine> ReadLog(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var entries = new List<ServerLogLine>();
        var lastByPid = new Dictionary<int, ServerLogLine>();
        ServerLogLine? current = null;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var match = LogLine().Match(line);
            if (!match.Success)
            {
                // A statement's next line (the SQL has newlines).
                current?.Append(line);
                continue;
            }

            var at = DateTime.SpecifyKind(DateTime.ParseExact(match.Groups["at"].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), DateTimeKind.Utc);
            var pid = int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture);
            var level = match.Groups["level"].Value;
            var message = match.Groups["message"].Value;
            if (level == "DETAIL" && lastByPid.TryGetValue(pid, out var owner))
            {
                owner.Detail = message;
                current = null;
                continue;
            }

            current = new ServerLogLine(at, pid, match.Groups["app"].Value, level, message);
            entries.Add(current);
            lastByPid[pid] = current;
        }

        return entries;
    }

    [GeneratedRegex(@"^(?<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) UTC \[(?<pid>\d+)\] app=(?<app>\S*) (?<level>[A-Z]+):  (?<message>.*)$")]
    private static partial Regex LogLine();
}

/// <summary>When a statement ended, seen from the client.</summary>
internal enum Side
{
    /// <summary>Before the first byte of the response reached the client.</summary>
    Before,

    /// <summary>After the first byte, before the end of the answer (<c>[DONE]</c>, or the last byte of a whole answer): the client waits for it.</summary>
    During,

    /// <summary>After the end of the answer.</summary>
    After,

    /// <summary>Within a millisecond of the first byte or of the end.</summary>
    Unclear,
}

/// <summary>A chat request of the round-trip count, timed at the client (UTC wall clock, as PostgreSQL logs).</summary>
/// <param name="Done">When the answer was complete for the client: <c>data: [DONE]</c> seen, or the last byte of a whole answer.</param>
internal sealed record TimedRequest(string Caller, string Scenario, DateTime Sent, DateTime FirstByte, DateTime Done, DateTime End)
{
    /// <summary>Which node served it (<see cref="RoundTripCounter.ClusterNode"/> or <see cref="RoundTripCounter.EmbeddedNode"/>).</summary>
    public string Node { get; init; } = RoundTripCounter.ClusterNode;

    /// <summary>When the node's upstream conversation POST reached the delay proxy (UTC).</summary>
    public DateTime UpstreamStart { get; init; }

    /// <summary>When the delay proxy had passed the last byte of the upstream's answer on to the node (UTC).</summary>
    public DateTime UpstreamEnd { get; init; }

    /// <summary>
    /// From the request to the node's conversation POST upstream: authentication, the grant, the pool pick, and the
    /// sentinel and conduit-prepare calls (through the proxy, unheld, to the simulator).
    /// </summary>
    public double HeadMs => (UpstreamStart - Sent).TotalMilliseconds;

    /// <summary>From the upstream's last byte (as the proxy passed it on) to the end of the answer for the client.</summary>
    public double TailMs => (Done - UpstreamEnd).TotalMilliseconds;
}

internal sealed record AttributedStatement(string Label, double DurationMs, Side Side);

internal sealed record RequestStatements(TimedRequest Request, IReadOnlyList<AttributedStatement> Statements);

/// <param name="ResetsPerRequest">Npgsql's connection resets per request: sent in the same write as the next command, so no round trip of their own.</param>
internal sealed record RoundTripResult(string? SkippedBecause, IReadOnlyList<RequestStatements> Requests, IReadOnlyDictionary<string, double> BackgroundPerSecond, double ResetsPerRequest, TimeSpan ProxyDelay)
{
    /// <summary>Every timed request: the cluster node's (whose statements are counted) and the embedded node's.</summary>
    public IReadOnlyList<TimedRequest> Timings { get; init; } = [];

    public static RoundTripResult Skipped(string why) => new(why, [], new Dictionary<string, double>(), 0, TimeSpan.Zero);
}

/// <summary>One entry of the PostgreSQL server log: a statement step with its duration, or anything else.</summary>
internal sealed partial class ServerLogLine(DateTime at, int pid, string application, string level, string message)
{
    private readonly StringBuilder _message = new(message);
    private string? _label;
    private Match? _parsed;

    public DateTime At { get; } = at;

    public int Pid { get; } = pid;

    public string Application { get; } = application;

    public string Level { get; } = level;

    public string? Detail { get; set; }

    public string Message => _message.ToString();

    /// <summary>A statement execution: an extended-protocol <c>execute</c> or a simple-protocol <c>statement</c> (parse and bind steps ride in the same round trip and are not counted).</summary>
    public bool IsStatement => Level == "LOG" && Parsed.Success && Kind is "execute" or "statement";

    public string Kind => Parsed.Success ? Parsed.Groups["kind"].Value : string.Empty;

    public double DurationMs => Parsed.Success ? double.Parse(Parsed.Groups["ms"].Value, CultureInfo.InvariantCulture) : 0;

    /// <summary>The SQL, whitespace collapsed.</summary>
    public string Text => Parsed.Success ? Whitespace().Replace(Parsed.Groups["sql"].Value, " ").Trim() : string.Empty;

    public string Label => _label ??= StatementLabels.For(Text, Detail);

    private Match Parsed => _parsed ??= Duration().Match(Message);

    public void Append(string line)
    {
        _message.Append('\n').Append(line);
        _parsed = null;
        _label = null;
    }

    [GeneratedRegex(@"^duration: (?<ms>[\d.]+) ms  (?<kind>execute|statement|parse|bind)(?: [^:]*)?: (?<sql>.*)$", RegexOptions.Singleline)]
    private static partial Regex Duration();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>
/// Short names for the statements a node sends: Orleans' ADO.NET grain storage and reminders (the queries the
/// migration registers in <c>orleansquery</c>, on <c>mg_grain_state</c> and <c>mg_reminder</c>) and MirrorGate's
/// usage ledger (<c>mg_usage</c>), with the state name from the parameters.
/// </summary>
internal static class StatementLabels
{
    /// <summary>The label of Npgsql's session reset, whose statements <c>pg_stat_statements</c> lists one by one.</summary>
    public const string Reset = "Npgsql session reset on a pooled connection (`DISCARD ALL`, or on a connection with prepared statements `SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP`)";

    /// <summary>
    /// Npgsql resets a pooled connection when it is handed out again, unless <c>No Reset On Close</c> is set (the
    /// nodes set it): <c>DISCARD ALL</c>, or, on a connection holding prepared statements (which that would drop),
    /// the list of statements it stands for. It is prepended to the next command, in the same network write.
    /// </summary>
    public static bool IsReset(string sql) =>
        sql.StartsWith("SET SESSION AUTHORIZATION DEFAULT", StringComparison.Ordinal) || sql.StartsWith("DISCARD ALL", StringComparison.Ordinal)
        || sql is "RESET ALL" or "CLOSE ALL" or "UNLISTEN *" or "SELECT pg_advisory_unlock_all()" or "DISCARD SEQUENCES" or "DISCARD TEMP";

    /// <summary>Statements of a node's timers or start, never of a chat request: reminders, the query table, migrations.</summary>
    public static bool IsHousekeeping(string sql) =>
        sql.Contains("mg_reminder", StringComparison.Ordinal) || sql.Contains("orleansquery", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mg_schema", StringComparison.Ordinal) || sql.Contains("pg_advisory_", StringComparison.Ordinal);

    public static string For(string sql, string? detail)
    {
        if (IsReset(sql))
        {
            return Reset;
        }

        // The state name: the parameter compared with state_name (Npgsql numbers Orleans' named parameters $1…$n).
        var state = detail is null ? null : ParameterOf(sql, detail, "state_name");
        var named = state is null ? string.Empty : $" (`{state}`)";
        if (sql.Contains("FROM mg_grain_state", StringComparison.Ordinal) && sql.StartsWith("SELECT", StringComparison.Ordinal))
        {
            return "grain state read (Orleans `ReadFromStorageKey`)" + named;
        }

        if (sql.StartsWith("INSERT INTO mg_grain_state", StringComparison.Ordinal))
        {
            return "grain state write (Orleans `WriteToStorageKey`: insert, or update on the ETag)" + named;
        }

        if (sql.StartsWith("UPDATE mg_grain_state", StringComparison.Ordinal))
        {
            return "grain state clear (Orleans `ClearStorageKey`)" + named;
        }

        if (sql.StartsWith("INSERT INTO mg_usage", StringComparison.Ordinal))
        {
            return "usage record (`INSERT INTO mg_usage … ON CONFLICT DO NOTHING`)";
        }

        if (sql.Contains("FROM mg_usage", StringComparison.Ordinal))
        {
            return "usage count (`mg_usage`)";
        }

        if (sql.Contains("mg_reminder", StringComparison.Ordinal))
        {
            return "reminders: " + Shorten(sql);
        }

        return Shorten(sql);
    }

    private static string Shorten(string sql) => "`" + (sql.Length <= 90 ? sql : sql[..90] + "…").Replace("`", "'", StringComparison.Ordinal) + "`";

    /// <summary>The value given for the placeholder compared with <paramref name="column"/> (<c>column = $n</c>) in the statement.</summary>
    private static string? ParameterOf(string sql, string detail, string column)
    {
        var placeholder = Regex.Match(sql, $@"\b{column}\s*=\s*\$(?<n>\d+)");
        return placeholder.Success ? Parameter(detail, int.Parse(placeholder.Groups["n"].Value, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>The value of <c>$n</c> in a <c>parameters: $1 = '…', $2 = '…'</c> detail, unquoted; null when absent or NULL.</summary>
    private static string? Parameter(string detail, int n)
    {
        var match = Regex.Match(detail, $@"\${n} = (?:'(?<v>(?:[^']|'')*)'|(?<null>NULL))");
        return match.Success && !match.Groups["null"].Success ? match.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal) : null;
    }
}

/// <summary>The statements per request of one caller and scenario, summarised.</summary>
internal sealed record RoundTripSummary(string Caller, string Scenario, int Requests, double Before, double During, double After, double Unclear, int MaxBefore,
    IReadOnlyList<(string Label, Side Side, double PerRequest, double MeanMs)> Statements)
{
    public static IEnumerable<RoundTripSummary> From(RoundTripResult result) =>
        result.Requests.GroupBy(r => (r.Request.Caller, r.Request.Scenario)).Select(g =>
        {
            var n = g.Count();
            var all = g.SelectMany(r => r.Statements).ToList();
            var statements = all.GroupBy(s => (s.Label, s.Side))
                .Select(s => (s.Key.Label, s.Key.Side, PerRequest: s.Count() / (double)n, MeanMs: s.Average(x => x.DurationMs)))
                .OrderBy(s => s.Side).ThenByDescending(s => s.PerRequest).ToList();
            return new RoundTripSummary(g.Key.Caller, g.Key.Scenario, n,
                all.Count(s => s.Side == Side.Before) / (double)n,
                all.Count(s => s.Side == Side.During) / (double)n,
                all.Count(s => s.Side == Side.After) / (double)n,
                all.Count(s => s.Side == Side.Unclear) / (double)n,
                g.Max(r => r.Statements.Count(s => s.Side == Side.Before)),
                statements);
        });
}
