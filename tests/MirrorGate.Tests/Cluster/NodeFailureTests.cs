using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Cluster.Membership;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Cluster;

/// <summary>A node dies without warning: the others keep serving, take over its work, and lose nothing it finished.</summary>
public sealed class NodeFailureTests
{
    private static readonly TimeSpan LeaseTerm = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Killing_a_node_mid_run_leaves_the_others_serving_hands_its_lease_over_and_loses_no_usage_record()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        var simulator = await UpstreamSimulator.StartAsync();
        var timing = new Dictionary<string, string?>(database.Settings)
        {
            ["Cluster:LeaseDuration"] = "00:00:03",
            ["Cluster:HeartbeatInterval"] = "00:00:00.500",
            ["Cluster:NodeDeadAfter"] = "00:00:03",
        };

        // The child node starts first, so it is the one doing the cluster housekeeping when it dies.
        await using var doomed = await NodeProcess.StartAsync(new Dictionary<string, string?>(timing)
        {
            ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["ChatGpt:BackendBaseUrl"] = simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.BaseUrl.ToString(),
            ["Gateway:ServiceKey"] = GatewayApp.ServiceKey,
            ["Gateway:AdminPassword"] = GatewayApp.AdminPassword,
        });
        var doomedOwner = $"{Environment.MachineName}:{doomed.ProcessId}:";
        await Eventually.WaitUntilAsync(async () => (await HousekeepingLeaseAsync(database))?.Owner.StartsWith(doomedOwner, StringComparison.Ordinal) == true,
            "the child node holds the housekeeping lease\n" + doomed.Output);
        var leaseBefore = (await HousekeepingLeaseAsync(database))!.Value;

        await using var cluster = await ClusterApp.StartAsync(nodes: 2, settings: timing, database: database, simulator: simulator);
        await cluster.Nodes[0].AddPooledAccountAsync("kill-a@example.com");
        await cluster.Nodes[1].AddPooledAccountAsync("kill-b@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 2), "every in-process node pools both accounts");
        var clients = new[] { doomed.CreateClient(GatewayApp.ServiceKey) }.Concat(cluster.Clients(GatewayApp.ServiceKey)).ToArray();
        await Eventually.WaitUntilAsync(async () => (await clients[0].ChatAsync("is the child node serving?")).StatusCode == HttpStatusCode.OK, "the child node serves\n" + doomed.Output);

        var completed = 0;
        var completedOnSurvivorsAfterKill = 0;
        var failedOnDoomed = 0;
        var survivorFailures = new ConcurrentBag<string>();
        var killed = false;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 9).Select(w => Task.Run(async () =>
        {
            var node = w % 3;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await clients[node].ChatAsync($"worker {w} request {i}");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref completed);
                        if (node != 0 && Volatile.Read(ref killed))
                        {
                            Interlocked.Increment(ref completedOnSurvivorsAfterKill);
                        }
                    }
                    else if (node == 0)
                    {
                        Interlocked.Increment(ref failedOnDoomed);
                    }
                    else
                    {
                        survivorFailures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (node == 0 && ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failedOnDoomed);
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(1500);
        doomed.Kill();
        Volatile.Write(ref killed, true);
        var sinceKill = Stopwatch.StartNew();

        await Eventually.WaitUntilAsync(async () => (await HousekeepingLeaseAsync(database))?.Owner.StartsWith(doomedOwner, StringComparison.Ordinal) == false,
            "a surviving node takes the housekeeping lease over", LeaseTerm + TimeSpan.FromSeconds(5));
        var takeover = sinceKill.Elapsed;
        await Task.Delay(1000);
        stop.Cancel();
        await Task.WhenAll(workers);

        Assert.Empty(survivorFailures);
        Assert.True(completedOnSurvivorsAfterKill > 10, $"only {completedOnSurvivorsAfterKill} requests completed on the survivors after the kill");

        // Taken within the lease term (plus one renewal tick of the taker), with a larger fence.
        var leaseAfter = (await HousekeepingLeaseAsync(database))!.Value;
        Assert.True(leaseAfter.Fence > leaseBefore.Fence);
        Assert.True(takeover <= LeaseTerm + LeaseTerm / 3 + TimeSpan.FromSeconds(1), $"takeover took {takeover}");

        // Every request a client saw complete has its usage record. A request on the killed node may have
        // been recorded just before the kill cut its answer off, so at most that many more may exist.
        var stored = await UsageRecordsAsync(database);
        Assert.InRange(stored, completed, completed + failedOnDoomed);

        var membership = cluster.Nodes[0].Services.GetRequiredService<MembershipTable>();
        await Eventually.WaitUntilAsync(async () => (await membership.ReadAllAsync(CancellationToken.None)).Single(n => n.NodeId.StartsWith(doomedOwner, StringComparison.Ordinal)).Status == NodeStatus.Dead,
            "the killed node is shown dead");
        Assert.Equal(2, (await membership.ReadAllAsync(CancellationToken.None)).Count(n => n.IsAlive));
    }

    [Fact]
    public async Task Housekeeping_sweeps_expired_counters_and_forgets_node_runs_that_ended_long_ago()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        await using (var seed = database.Database.Command("""
            INSERT INTO mg_counter (key, value, expires_at) VALUES ('gone', 5, now() - interval '1 minute'), ('kept', 7, now() + interval '1 hour');
            INSERT INTO mg_node (node_id, status, version, started_at, heartbeat_at) VALUES
                ('old-run', 'left', 2, now() - interval '3 days', now() - interval '2 days'),
                ('recent-run', 'dead', 2, now() - interval '3 hours', now() - interval '2 hours');
            """))
        {
            await seed.ExecuteNonQueryAsync();
        }

        await using var cluster = await ClusterApp.StartAsync(nodes: 1, settings: new Dictionary<string, string?> { ["Cluster:LeaseDuration"] = "00:00:01.500" }, database: database);

        await Eventually.WaitUntilAsync(async () => await ScalarAsync(database, "SELECT count(*) FROM mg_counter WHERE key = 'gone'") == 0, "the expired counter is swept");
        Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM mg_node WHERE node_id = 'old-run'"));
        Assert.Equal(1, await ScalarAsync(database, "SELECT count(*) FROM mg_node WHERE node_id = 'recent-run'"));
        Assert.Equal(1, await ScalarAsync(database, "SELECT count(*) FROM mg_counter WHERE key = 'kept'"));
    }

    private static async Task<long> ScalarAsync(PostgresTestDatabase database, string sql)
    {
        await using var command = database.Database.Command(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(string Owner, long Fence)?> HousekeepingLeaseAsync(PostgresTestDatabase database)
    {
        await using var command = database.Database.Command("SELECT owner, fence FROM mg_lease WHERE name = $1 AND expires_at > now()");
        command.Parameters.AddWithValue(ClusterHousekeeping.LeaseName);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private static Task<long> UsageRecordsAsync(PostgresTestDatabase database) => ScalarAsync(database, "SELECT count(*) FROM mg_usage");
}
