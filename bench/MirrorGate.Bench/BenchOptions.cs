using System.Globalization;

namespace MirrorGate.Bench;

/// <summary>Command-line switches of the benchmark (all optional; the defaults are the reported run).</summary>
internal sealed record BenchOptions
{
    /// <summary>Rounds of every configuration; the report gives the median of the round results.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Concurrency levels (requests in flight at once).</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 32];

    /// <summary>Measured requests per run at concurrency 1; higher levels run <see cref="RequestsFor"/>.</summary>
    public int Requests { get; init; } = 800;

    /// <summary>Requests of each warm-up (per target and scenario, before the first round).</summary>
    public int WarmUp { get; init; } = 600;

    /// <summary>Number of text deltas the simulator streams per reply.</summary>
    public int ReplyChunks { get; init; } = 20;

    /// <summary>Proof-of-work difficulty the simulator issues; "ffffff" is solved by the first nonce (the cost cancels out anyway).</summary>
    public string PowDifficulty { get; init; } = "ffffff";

    /// <summary>Also run the breakdown variants (temporary chats, Information-level access log).</summary>
    public bool Variants { get; init; } = true;

    /// <summary>Sample the gateway's CPU (EventPipe) and allocations during one extra run and list the top frames and types.</summary>
    public bool Profile { get; init; } = true;

    /// <summary>Where the markdown report is written (besides stdout).</summary>
    public string Output { get; init; } = Path.Combine("bench", "results", "latest.md");

    /// <summary>The gateway assembly to start; defaults to the <c>MirrorGate.Api.dll</c> copied next to the benchmark.</summary>
    public string? GatewayDll { get; init; }

    /// <summary>Extra environment variables for the gateway process (experiments, e.g. runtime knobs).</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra configuration for the gateway process, as <c>--Key=Value</c> command-line settings.</summary>
    public IReadOnlyList<string> GatewaySettings { get; init; } = [];

    /// <summary>Run the BenchmarkDotNet micro-benchmarks instead of the load benchmark.</summary>
    public bool Micro { get; init; }

    /// <summary>Commit named in the report; by default <c>git rev-parse</c> in the working directory.</summary>
    public string? Commit { get; init; }

    /// <summary>Hard stop of the whole run.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(8);

    /// <summary>Run the cluster-mode benchmark (embedded vs PostgreSQL, nodes behind nginx) instead of the load benchmark.</summary>
    public bool Cluster { get; init; }

    /// <summary>Cluster mode: Npgsql connection string of the PostgreSQL the nodes share (default: env <c>MIRRORGATE_POSTGRES</c>).</summary>
    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("MIRRORGATE_POSTGRES");

    /// <summary>Cluster mode: StackExchange.Redis configuration string of the membership store (default: env <c>MIRRORGATE_REDIS</c>).</summary>
    public string? Redis { get; init; } = Environment.GetEnvironmentVariable("MIRRORGATE_REDIS");

    /// <summary>Cluster mode: the server log of that PostgreSQL (statement timings for the round-trip count are read from it).</summary>
    public string? PostgresLog { get; init; }

    /// <summary>Cluster mode: the nginx binary (run with <c>-p</c>/<c>-c</c> in a temporary prefix, never as a service).</summary>
    public string Nginx { get; init; } = "nginx";

    /// <summary>Cluster mode: the largest number of nodes behind nginx (configurations 1..N are measured).</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Cluster mode: sequential requests per caller kind and scenario in the round-trip count.</summary>
    public int RoundTripRequests { get; init; } = 30;

    /// <summary>
    /// The defaults of <c>--cluster</c>: fewer requests per run (five configurations), a bounded whole; the profile is
    /// of a cluster node (<c>--no-profile</c> skips it).
    /// </summary>
    public static BenchOptions ClusterDefaults { get; } = new()
    {
        Cluster = true,
        Concurrency = [1, 8, 16],
        Requests = 500,
        WarmUp = 300,
        Variants = false,
        Profile = true,
        Output = Path.Combine("bench", "results", "cluster.md"),
        Deadline = TimeSpan.FromMinutes(25),
    };

    public int RequestsFor(int concurrency) => concurrency <= 1 ? Requests : Requests * 2;

    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--cluster") ? ClusterDefaults : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            options = arg switch
            {
                "--rounds" => options with { Rounds = PositiveInt(Next()) },
                "--concurrency" => options with { Concurrency = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(PositiveInt)] },
                "--requests" => options with { Requests = PositiveInt(Next()) },
                "--warmup" => options with { WarmUp = PositiveInt(Next()) },
                "--chunks" => options with { ReplyChunks = PositiveInt(Next()) },
                "--pow-difficulty" => options with { PowDifficulty = Next() },
                "--no-variants" => options with { Variants = false },
                "--no-profile" => options with { Profile = false },
                "--out" => options with { Output = Next() },
                "--commit" => options with { Commit = Next() },
                "--micro" => options with { Micro = true, Output = Path.Combine("bench", "results", "micro.md") },
                "--gateway-dll" => options with { GatewayDll = Next() },
                "--gateway-env" => options with { GatewayEnvironment = WithPair(options.GatewayEnvironment, Next()) },
                "--gateway-setting" => options with { GatewaySettings = [.. options.GatewaySettings, Setting(Next())] },
                "--quick" => options with { Rounds = 1, Requests = 200, WarmUp = 200, Concurrency = [1, 8], RoundTripRequests = 10 },
                "--cluster" => options,
                "--postgres" => options with { Postgres = Next() },
                "--redis" => options with { Redis = Next() },
                "--postgres-log" => options with { PostgresLog = Next() },
                "--nginx" => options with { Nginx = Next() },
                "--nodes" => options with { Nodes = PositiveInt(Next()) },
                "--round-trip-requests" => options with { RoundTripRequests = PositiveInt(Next()) },
                "--help" or "-h" => throw new HelpRequestedException(),
                _ => throw new ArgumentException($"Unknown switch {arg}."),
            };
        }

        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/MirrorGate.Bench [-- switches]
          --rounds N            rounds per configuration (default 3; medians are reported)
          --concurrency 1,8,32  concurrency levels
          --requests N          measured requests per run at concurrency 1 (doubled above 1; default 800)
          --warmup N            warm-up requests per target and scenario (default 600)
          --chunks N            text deltas per simulated reply (default 20)
          --pow-difficulty HEX  simulator proof-of-work difficulty (default ffffff: first nonce wins)
          --no-variants         skip the temporary-chat and access-log variants
          --no-profile          skip the EventPipe CPU/allocation profile of the gateway
          --micro               run the BenchmarkDotNet micro-benchmarks instead (report: bench/results/micro.md)
          --quick               1 round, 200 requests, concurrency 1 and 8 (a smoke run)
          --out PATH            report file (default bench/results/latest.md)
          --commit TEXT         commit to name in the report (default: git rev-parse in the working directory)
          --gateway-dll PATH    gateway assembly to start (default: MirrorGate.Api.dll next to the benchmark)
          --gateway-env K=V     environment variable for the gateway process (repeatable; for experiments)
          --gateway-setting K=V configuration setting for the gateway process (repeatable; for experiments)
        Cluster mode (see bench/cluster.sh, which starts Redis and PostgreSQL and finds nginx):
          --cluster             embedded vs cluster mode, 1..N nodes behind nginx (report: bench/results/cluster.md);
                                defaults then: concurrency 1,8,16, 500 requests, warm-up 300, a profile of node 1
          --redis CONN          Redis of the cluster's membership, host:port (default: env MIRRORGATE_REDIS)
          --postgres CONN       Npgsql connection string of the shared PostgreSQL (default: env MIRRORGATE_POSTGRES)
          --postgres-log PATH   that server's log file (for the round-trip count's statement timings)
          --nginx PATH          nginx binary (default: nginx in PATH)
          --nodes N             most nodes behind nginx (default 3)
          --round-trip-requests N  sequential requests per caller and scenario in the round-trip count (default 30)
        """;

    private static Dictionary<string, string> WithPair(IReadOnlyDictionary<string, string> pairs, string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"'{text}' is not KEY=VALUE.");
        }

        return new Dictionary<string, string>(pairs) { [text[..equals]] = text[(equals + 1)..] };
    }

    private static string Setting(string text) =>
        text.IndexOf('=', StringComparison.Ordinal) > 0 ? "--" + text : throw new ArgumentException($"'{text}' is not KEY=VALUE.");

    private static int PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{text}' is not a positive integer.");
}

/// <summary>Thrown by <see cref="BenchOptions.Parse"/> for <c>--help</c>.</summary>
internal sealed class HelpRequestedException : Exception;
