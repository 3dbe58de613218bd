using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Cluster;

/// <summary>The cluster database goes away and comes back under load, with no node restarted.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task A_postgresql_restart_under_load_gives_clear_503s_counts_nothing_twice_or_lost_and_service_resumes_by_itself()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var database = await PostgresTestDatabase.CreateAsync(server.ConnectionString);
        await using var cluster = await ClusterApp.StartAsync(database: database);
        await cluster.Nodes[0].AddPooledAccountAsync("outage-a@example.com");
        await cluster.Nodes[1].AddPooledAccountAsync("outage-b@example.com");
        await Eventually.WaitUntilAsync(() => cluster.Nodes.All(n => n.Pool.Accounts.Count == 2), "every node pools both accounts");
        var token = await cluster.Nodes[2].MirrorTokenAsync("outage-user", "outage-a@example.com", new[] { new { model_name = "auto", every_minute = 600, limit_count = 100000 } });
        var clients = cluster.Clients(token);

        var completed = 0;
        var unclear = new ConcurrentBag<string>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await clients[w % 3].ChatAsync($"worker {w} request {i}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref completed);
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("\"storage_unavailable\"", StringComparison.Ordinal) && response.Headers.RetryAfter is not null)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(20);
                }
                else
                {
                    unclear.Add($"{(int)response.StatusCode} {body}");
                }
            }
        })).ToList();

        await Eventually.WaitUntilAsync(() => Volatile.Read(ref completed) >= 20, "the cluster serves before the outage");
        await server.StopAsync();
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref refused) >= 6, "requests meet the outage");
        await server.StartAgainAsync();

        // Every node serves again on its own: the connection pools and the listening connections reconnect.
        var resumed = DateTime.UtcNow;
        foreach (var client in clients)
        {
            await Eventually.WaitUntilAsync(async () =>
            {
                using var probe = await client.ChatAsync("are you back?");
                if (probe.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref completed);
                    return true;
                }

                return false;
            }, "every node serves again after the restart", TimeSpan.FromSeconds(20));
        }

        await Task.Delay(500);
        stop.Cancel();
        await Task.WhenAll(workers);

        Assert.Empty(unclear);
        Assert.True(refused > 0, "the outage never reached a request");
        Assert.True(completed > 20, $"only {completed} requests completed");

        // A client that saw 200 has its usage record and its count, exactly once. (This test's own pool
        // still holds connections the restart cut.)
        database.Database.DataSource.Clear();
        await using (var count = database.Database.Command("SELECT count(*) FROM mg_usage"))
        {
            Assert.Equal(completed, (long)(await count.ExecuteScalarAsync())!);
        }

        using var admin = cluster.Nodes[1].CreateClient(GatewayApp.AdminPassword);
        var counts = await (await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "outage-user" } })).JsonAsync();
        Assert.Equal(completed, counts["outage-user"]!.GetValue<long>());
    }
}
