using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MirrorGate.Tests.Cluster;

/// <summary>A node dies without warning (SIGKILL): the others take over its grains with their state and lose nothing it finished.</summary>
public sealed class NodeFailureTests(ITestOutputHelper output)
{
    private const int Accounts = 6;
    private const int Limit = 25;

    [Fact]
    public async Task A_killed_nodes_users_and_accounts_are_served_by_the_others_within_15_s_with_no_window_reset_and_no_usage_lost()
    {
        var total = Stopwatch.StartNew();
        await using var cluster = await NodeCluster.StartAsync(gateways: 3);
        output.WriteLine($"cluster up after {total.Elapsed}");
        var tokens = new string[Accounts];
        for (var i = 0; i < Accounts; i++)
        {
            // One user per account, bound to it, so that every account's and every user's grain must come back.
            await cluster.AddPooledAccountAsync($"kill-{i}@example.com", node: i % 3);
            tokens[i] = await MirrorTokenAsync(cluster, $"kill-user-{i}", $"kill-{i}@example.com", limit: 1000);
        }

        var limitedToken = await MirrorTokenAsync(cluster, "kill-limited", "kill-0@example.com", Limit);
        var survivors = cluster.Gateways.Take(2).ToArray();
        var doomed = cluster.Gateways[2];
        var seen = new ConcurrentDictionary<string, int>();
        var limitedOk = 0;
        var limitedUnavailable = 0;
        using var stop = new CancellationTokenSource();

        // Load on every node, the doomed one included, until the kill and a little after.
        var workers = Enumerable.Range(0, 9).Select(w => Task.Run(async () =>
        {
            var node = cluster.Gateways[w % 3];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var user = (w + i) % Accounts;
                try
                {
                    using var response = await node.CreateClient(tokens[user]).ChatAsync($"load {w}/{i}");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        seen.AddOrUpdate($"kill-user-{user}", 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(50);
                }
            }
        })).ToList();
        var limited = Task.Run(async () =>
        {
            // The limited user only ever reaches the survivors, so every grant its window holds is one it saw answered.
            for (var i = 0; !stop.IsCancellationRequested && Volatile.Read(ref limitedOk) < Limit / 2; i++)
            {
                using var response = await survivors[i % 2].CreateClient(limitedToken).ChatAsync($"limited {i}");
                _ = response.StatusCode == HttpStatusCode.OK ? Interlocked.Increment(ref limitedOk)
                    : response.StatusCode == HttpStatusCode.ServiceUnavailable ? Interlocked.Increment(ref limitedUnavailable) : 0;
                await Task.Delay(100);
            }
        });

        await Task.Delay(1500);
        doomed.Kill();
        var sinceKill = Stopwatch.StartNew();

        // Every user (and so every account) is served again by a survivor within 15 s of the kill.
        var recovered = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(async user =>
        {
            using var client = survivors[user % 2].CreateClient(tokens[user]);
            while (sinceKill.Elapsed < TimeSpan.FromSeconds(20))
            {
                using var response = await client.ChatAsync($"after the kill {user}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    seen.AddOrUpdate($"kill-user-{user}", 1, (_, n) => n + 1);
                    return sinceKill.Elapsed;
                }

                await Task.Delay(200);
            }

            return sinceKill.Elapsed;
        }));
        output.WriteLine($"recovered: {string.Join(", ", recovered.Select(r => r.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} at {total.Elapsed}");
        stop.Cancel();
        await Task.WhenAll(workers.Append(limited));
        output.WriteLine($"workers stopped at {total.Elapsed}");
        Assert.All(recovered, elapsed => Assert.True(elapsed < TimeSpan.FromSeconds(15), $"a user waited {elapsed.TotalSeconds:0.0} s after the kill"));

        // The limited user's window was not reset by the kill: filling it now stops at exactly the limit.
        var more = 0;
        while (more < Limit * 2)
        {
            using var response = await survivors[more % 2].CreateClient(limitedToken).ChatAsync($"fill {more}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            more++;
        }

        output.WriteLine($"limited: {limitedOk} + {more} (503s {limitedUnavailable}) at {total.Elapsed}");
        Assert.InRange(limitedOk + more, Limit - limitedUnavailable, Limit);

        // No usage record lost: every answer a client saw complete has its record (a request cut off by the kill may
        // have been recorded just before it, so there may be more records than answers seen, never fewer).
        foreach (var (user, count) in seen)
        {
            Assert.True(await UsageRecordsAsync(cluster, user) >= count, $"{user}: {count} answers seen, fewer usage records");
        }
    }

    private static async Task<string> MirrorTokenAsync(NodeCluster cluster, string user, string email, int limit)
    {
        using var admin = cluster.Gateways[0].CreateClient(GatewayApp.AdminPassword);
        using var issued = await admin.PostAsJsonAsync("/api/get-mirror-token", new
        {
            user_name = user,
            limits = new[] { new { model_name = "auto", every_minute = 60, limit_count = limit } },
            chatgpt_list = new[] { email },
        });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        return (await issued.Content.ReadFromJsonAsync<JsonArray>())![0]!["mirror_token"]!.GetValue<string>();
    }

    private static async Task<long> UsageRecordsAsync(NodeCluster cluster, string user)
    {
        await using var command = cluster.Database.Store.Npgsql.CreateCommand("SELECT count(*) FROM mg_usage WHERE user_name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
