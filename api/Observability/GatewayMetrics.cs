using System.Collections.Concurrent;
using System.Diagnostics;
using MirrorGate.Api.Channels;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Videos;
using Prometheus;

namespace MirrorGate.Api.Observability;

/// <summary>
/// The node's Prometheus instruments (prometheus-net, on a registry of this host's own, so two gateways in one
/// process never mix their counts) and the one place a finished request is recorded: its counters, the added-latency
/// histogram and the live view are fed from <see cref="Record"/> alone. The request path finds its pre-bound label
/// children in caches keyed by the endpoint object and the label values, so a request allocates no label array and
/// formats no string; only the first request of a new (route, model, key, status) combination binds a child.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>Buckets of the added-latency histogram, in seconds: 50 µs to ~3.3 s, doubling.</summary>
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.00005, 2, 17);

    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static readonly string[] VideoStatuses = [VideoStatus.Pending, VideoStatus.Succeeded, VideoStatus.Failed];

    /// <summary>How long a scrape waits for the video task counts before it exports the last ones it had.</summary>
    private static readonly TimeSpan VideoCountTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] FailureKinds = ["rejected", "rate_limited", "server_error", "connect", "drop"];

    private readonly Counter _requests;
    private readonly Histogram _addedLatency;
    private readonly Counter.Child[] _upstreamFailures;
    private readonly Counter _limitRefusals;
    private readonly Counter _ledgerTransactions;
    private readonly Counter _ledgerAmount;
    private readonly Gauge _accounts;
    private readonly Gauge.Child[] _videoTasks;
    private readonly ConcurrentDictionary<Endpoint, RouteSeries> _routes = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _refusalChildren = new(StringComparer.Ordinal);
    private readonly RouteSeries _unmatched;
    private readonly LiveStats _live;

    public GatewayMetrics(LiveStats live, AccountPool accounts, ChannelPool channels, IGrainFactory? grains = null)
    {
        _live = live;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);

        // Exemplars would read Activity.Current on every observation; the traces carry the ids instead.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter("mirrorgate_requests_total", "Requests answered, by route pattern, served model, upstream account or channel key, and HTTP status.",
            "route", "model", "key", "status");
        _addedLatency = factory.CreateHistogram("mirrorgate_added_latency_seconds", "Time the gateway itself added to a request: its whole time less the time spent waiting on upstreams.",
            new HistogramConfiguration { LabelNames = ["route"], Buckets = LatencyBuckets });
        var failures = factory.CreateCounter("mirrorgate_upstream_failures_total", "Upstream calls that failed, by kind: rejected (401/403), rate_limited (429), server_error (5xx), connect (no answer), drop (broke off).", "kind");
        _upstreamFailures = Array.ConvertAll(FailureKinds, kind => failures.WithLabels(kind));
        _limitRefusals = factory.CreateCounter("mirrorgate_limit_refusals_total", "Requests refused by a user's limits or a wallet, by refusal code.", "code");
        _ledgerTransactions = factory.CreateCounter("mirrorgate_ledger_transactions_total", "Ledger transactions committed by this node's wallets, by action (PAY charges, REFUND, RECHARGE, HOLD, UNHOLD, PAY*).", "action");
        _ledgerAmount = factory.CreateCounter("mirrorgate_ledger_amount_yuan_total", "The amounts of the committed ledger transactions, in yuan, by action.", "action");
        _accounts = factory.CreateGauge("mirrorgate_accounts", "Upstream accounts and channel keys in this node's pool view, by kind and state.", "kind", "state");
        _unmatched = new RouteSeries("unmatched", _requests, _addedLatency, live: false);
        Registry.AddBeforeCollectCallback(() => CountAccounts(accounts, channels));
        // The grains are absent only in the micro-benchmark, which has no cluster to ask.
        var videoTasks = factory.CreateGauge("mirrorgate_video_tasks", "Video tasks in the cluster's task catalog, by status (PENDING, SUCCEEDED, FAILED); read from the database at each scrape.", "status");
        _videoTasks = Array.ConvertAll(VideoStatuses, status => videoTasks.WithLabels(status));
        if (grains is not null)
        {
            Registry.AddBeforeCollectCallback(cancellation => CountVideoTasksAsync(grains, cancellation));
        }
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Records one finished request: counters, the added-latency histogram, and the live view.</summary>
    public void Record(HttpContext context, RequestRecord record, long elapsedTicks)
    {
        var route = context.GetEndpoint() is { } endpoint ? _routes.GetOrAdd(endpoint, static (e, self) => self.NewRoute(e), this) : _unmatched;
        var status = context.Response.StatusCode;
        route.Requests(record.Model ?? string.Empty, record.KeyId ?? string.Empty, status).Inc();
        var added = Math.Max(0, elapsedTicks - record.UpstreamTicks);
        route.AddedLatency.Observe((double)added / Stopwatch.Frequency);
        if (route.Live)
        {
            _live.Record(route.Route, record.Model, record.User, status, elapsedTicks);
        }
    }

    public void UpstreamFailed(UpstreamFault kind) => _upstreamFailures[(int)kind].Inc();

    /// <summary>A request refused by a user's limit or a wallet; <paramref name="code"/> is one of the fixed refusal codes.</summary>
    public void LimitRefused(string code) =>
        _refusalChildren.GetOrAdd(code, static (c, counter) => counter.WithLabels(c), _limitRefusals).Inc();

    /// <summary>A committed ledger transaction (<see cref="Grains.Ledger.LedgerActions"/>), its amount in millionths of a yuan.</summary>
    public void LedgerPosted(string action, long amountMicros)
    {
        _ledgerTransactions.WithLabels(action).Inc();
        _ledgerAmount.WithLabels(action).Inc(Math.Abs(amountMicros) / 1_000_000d);
    }

    private RouteSeries NewRoute(Endpoint endpoint)
    {
        var pattern = endpoint is RouteEndpoint route ? route.RoutePattern.RawText ?? endpoint.DisplayName ?? "unnamed" : endpoint.DisplayName ?? "unnamed";
        return new RouteSeries(pattern, _requests, _addedLatency, live: endpoint.Metadata.GetMetadata<NotInLiveView>() is null && !IsOperatorPage(pattern));
    }

    /// <summary>The console's, the dashboard's and the API reference's own files and calls are no traffic the live view shows.</summary>
    private static bool IsOperatorPage(string pattern) =>
        pattern.StartsWith("/console", StringComparison.Ordinal) || pattern.StartsWith("/dashboard", StringComparison.Ordinal)
        || pattern.StartsWith("/scalar", StringComparison.Ordinal) || pattern.StartsWith("/openapi", StringComparison.Ordinal);

    private void CountAccounts(AccountPool accounts, ChannelPool channels)
    {
        foreach (var state in Enum.GetValues<AccountStatus>())
        {
            _accounts.WithLabels("account", Label(state)).Set(0);
        }

        foreach (var state in Enum.GetValues<ChannelKeyStatus>())
        {
            _accounts.WithLabels("channel_key", Label(state)).Set(0);
        }

        foreach (var group in accounts.Accounts.GroupBy(a => a.Status))
        {
            _accounts.WithLabels("account", Label(group.Key)).Set(group.Count());
        }

        foreach (var group in channels.Keys.GroupBy(k => k.Status))
        {
            _accounts.WithLabels("channel_key", Label(group.Key)).Set(group.Count());
        }
    }

    /// <summary>
    /// The video task gauge, counted by the catalog (one grouped query per scrape). A catalog that cannot answer in
    /// time leaves the last counts in place rather than failing the scrape: the other series are this node's own.
    /// </summary>
    private async Task CountVideoTasksAsync(IGrainFactory grains, CancellationToken cancellation)
    {
        try
        {
            var counts = await grains.GetGrain<IVideoTaskSearchGrain>(IVideoTaskSearchGrain.Key).CountByStatusAsync().WaitAsync(VideoCountTimeout, cancellation);
            for (var i = 0; i < VideoStatuses.Length; i++)
            {
                _videoTasks[i].Set(counts.GetValueOrDefault(VideoStatuses[i]));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or StorageUnavailableException or OrleansException)
        {
        }
    }

    internal static string Label<TEnum>(TEnum state)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>One route pattern's histogram child and its (model, key, status) counter children.</summary>
    private sealed class RouteSeries(string route, Counter requests, Histogram latency, bool live)
    {
        private readonly ConcurrentDictionary<(string Model, string Key, int Status), Counter.Child> _children = new();

        public string Route { get; } = route;

        public bool Live { get; } = live;

        public Histogram.Child AddedLatency { get; } = latency.WithLabels(route);

        public Counter.Child Requests(string model, string key, int status) =>
            _children.TryGetValue((model, key, status), out var child) ? child
            : _children.GetOrAdd((model, key, status), static (k, s) => s.requests.WithLabels(s.route, k.Model, k.Key, (uint)k.Status < 600 ? StatusLabels[k.Status] : "other"), (requests, route: Route));
    }
}

/// <summary>Endpoint metadata: the request is counted in <c>/metrics</c> but kept out of the live view (the view's own polling, scrapes).</summary>
public sealed class NotInLiveView
{
    public static NotInLiveView Instance { get; } = new();
}
