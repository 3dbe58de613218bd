using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using Npgsql;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// A two-node cluster on a PostgreSQL and a Redis of its own, which the tests stop and start under load: while a
/// store is away the gateway answers in shape and reports nothing done that was not stored; afterwards it serves
/// again by itself.
/// </summary>
public sealed class StoreOutageTests(StoreOutageTests.Stores stores) : IClassFixture<StoreOutageTests.Stores>
{
    [Fact]
    public async Task A_postgresql_restart_under_load_answers_503_in_shape_meanwhile_loses_no_record_and_service_resumes_by_itself()
    {
        var cluster = stores.Cluster;
        var load = new Load(cluster);
        await load.RunUntilAsync(() => load.Ok >= 10);

        await stores.Postgres.StopAsync();
        var okBeforeOutage = load.Ok;
        await load.RunUntilAsync(() => load.Unavailable >= 5, TimeSpan.FromSeconds(30));
        await stores.Postgres.StartAgainAsync();
        await load.RunUntilAsync(() => load.Ok >= okBeforeOutage + 10, TimeSpan.FromSeconds(30));
        await load.StopAsync();

        Assert.Empty(load.Unexpected);
        Assert.All(load.UnavailableBodies, body => Assert.NotNull(JsonNode.Parse(body)!["error"]!["message"]));
        Assert.Contains(load.UnavailableBodies, body => body.Contains("storage_unavailable", StringComparison.Ordinal) || body.Contains("cluster_unavailable", StringComparison.Ordinal));
        Assert.True(await UsageRecordsAsync(cluster) >= load.Ok, $"{load.Ok} answers seen, fewer usage records");
    }

    [Fact]
    public async Task A_redis_restart_under_load_keeps_serving_and_the_cluster_stays_whole()
    {
        var cluster = stores.Cluster;
        var load = new Load(cluster);
        await load.RunUntilAsync(() => load.Ok >= 10);

        await stores.Redis.StopAsync();
        var okBeforeOutage = load.Ok;
        await load.RunUntilAsync(() => load.Ok >= okBeforeOutage + 20, TimeSpan.FromSeconds(30));
        await stores.Redis.StartAgainAsync();
        await load.RunUntilAsync(() => load.Ok >= okBeforeOutage + 40, TimeSpan.FromSeconds(30));
        await load.StopAsync();

        // Membership lives in Redis, but a running cluster works from what it knows: requests go on while it is away.
        Assert.Empty(load.Unexpected);
        await cluster.WaitForActiveSilosAsync(2);
    }

    private static async Task<long> UsageRecordsAsync(NodeCluster cluster)
    {
        await using var source = NpgsqlDataSource.Create(cluster.Database.Options.Postgres + ";Search Path=" + cluster.Database.Schema);
        await using var command = source.CreateCommand("SELECT count(*) FROM mg_usage");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Pool requests on every node, as fast as they come back, sorted by outcome.</summary>
    private sealed class Load
    {
        private readonly NodeCluster _cluster;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _workers;
        private int _ok;
        private int _unavailable;

        public Load(NodeCluster cluster)
        {
            _cluster = cluster;
            _workers = [.. Enumerable.Range(0, 4).Select(RunAsync)];
        }

        public int Ok => Volatile.Read(ref _ok);

        public int Unavailable => Volatile.Read(ref _unavailable);

        public ConcurrentBag<string> UnavailableBodies { get; } = [];

        /// <summary>Anything but a 200 or a shaped 503: must stay empty.</summary>
        public ConcurrentBag<string> Unexpected { get; } = [];

        public Task RunUntilAsync(Func<bool> condition, TimeSpan? within = null) =>
            Eventually.WaitUntilAsync(condition, $"the load reaches its mark (ok {Ok}, 503 {Unavailable}, other {string.Join(" | ", Unexpected.Take(3))})", within ?? TimeSpan.FromSeconds(20));

        public async Task StopAsync()
        {
            _stop.Cancel();
            await Task.WhenAll(_workers);
        }

        private async Task RunAsync(int worker)
        {
            await Task.Yield();
            using var client = _cluster.Gateways[worker % _cluster.Gateways.Count].CreateClient(GatewayApp.ServiceKey);
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                using var response = await client.ChatAsync($"outage load {worker}/{i}");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _unavailable);
                    UnavailableBodies.Add(body);
                    await Task.Delay(100);
                }
                else
                {
                    Unexpected.Add($"{(int)response.StatusCode} {body}");
                }
            }
        }
    }

    /// <summary>The private stores and the cluster on them, shared by the tests of the class (they run one after the other).</summary>
    public sealed class Stores : IAsyncLifetime
    {
        private PostgresTestDatabase? _database;

        private PrivatePostgres? _postgres;
        private PrivateRedis? _redis;
        private NodeCluster? _cluster;

        public PrivatePostgres Postgres => _postgres ?? throw new InvalidOperationException("The private PostgreSQL has not started.");

        public PrivateRedis Redis => _redis ?? throw new InvalidOperationException("The private Redis has not started.");

        public NodeCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

        public async Task InitializeAsync()
        {
            try
            {
                _postgres = await PrivatePostgres.StartAsync();
                _redis = await PrivateRedis.StartAsync();
                _database = await PostgresTestDatabase.CreateAsync(_postgres.ConnectionString);
                _cluster = await NodeCluster.StartAsync(gateways: 2, database: _database, redis: _redis.ConnectionString);
                await _cluster.AddPooledAccountAsync("outage-a@example.com", node: 0);
                await _cluster.AddPooledAccountAsync("outage-b@example.com", node: 1);
            }
            catch
            {
                // A start that fails halfway (a node too slow to answer on a loaded machine) must not leave the private
                // servers running after the test run: they were found orphaned after such failures.
                await DisposeAsync();
                throw;
            }
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
                _cluster = null;
            }

            if (_database is not null)
            {
                await _database.DisposeAsync();
                _database = null;
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
                _redis = null;
            }

            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
                _postgres = null;
            }
        }
    }
}
