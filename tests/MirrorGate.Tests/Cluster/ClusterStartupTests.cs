using System.Diagnostics;
using System.Globalization;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Cluster;

/// <summary>A node whose stores are not there, or whose cluster settings do not add up, refuses to start and says why.</summary>
public sealed class ClusterStartupTests
{
    [Fact]
    public async Task An_unreachable_redis_is_retried_then_the_node_refuses_to_start_naming_its_address()
    {
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var started = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Redis"] = "127.0.0.1:" + port,
            ["Cluster:Postgres"] = PostgresTestDatabase.ConnectionString,
            ["Cluster:StartupTimeout"] = "00:00:02",
        }));

        var message = Flatten(failure);
        Assert.Contains("Redis at 127.0.0.1:" + port, message, StringComparison.Ordinal);
        Assert.Contains("did not answer within 2 s", message, StringComparison.Ordinal);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1), "it gave up without retrying");
    }

    [Fact]
    public async Task An_unreachable_postgresql_is_retried_then_the_node_refuses_to_start_naming_its_address()
    {
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Redis"] = RedisTestServer.ConnectionString,
            ["Cluster:Postgres"] = $"Host=127.0.0.1;Port={port};Username=nobody;Database=none;Timeout=1",
            ["Cluster:StartupTimeout"] = "00:00:02",
        }));

        var message = Flatten(failure);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port}/none", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Username", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cluster:Postgres", "only PostgreSQL is set")]
    [InlineData("Cluster:Redis", "only Redis is set")]
    public async Task A_cluster_needs_both_stores(string only, string complaint)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            [only] = only == "Cluster:Redis" ? RedisTestServer.ConnectionString : PostgresTestDatabase.ConnectionString,
        }));

        Assert.Contains(complaint, Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_front_end_needs_a_cluster_to_front()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?> { ["Cluster:Role"] = "FrontEnd" }));

        Assert.Contains("Cluster:Role=FrontEnd needs a cluster", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_front_end_whose_cluster_has_no_silo_is_retried_then_refuses_to_start_saying_so()
    {
        var clusterId = RedisTestServer.NewClusterId();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Role"] = "FrontEnd",
            ["Cluster:Redis"] = RedisTestServer.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:StartupTimeout"] = "00:00:03",
        }));

        var message = Flatten(failure);
        Assert.Contains($"no silo of cluster '{clusterId}'", message, StringComparison.Ordinal);
        Assert.Contains("within 3 s", message, StringComparison.Ordinal);
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(Flatten));
            }
        }

        return string.Join(" | ", messages);
    }
}
