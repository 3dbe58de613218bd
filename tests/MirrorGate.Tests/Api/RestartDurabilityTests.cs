using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>
/// An embedded node restarted on its own data folder (same SQLite file, same secrets key) comes back with what it
/// stored: use counts, limit windows, the pool and the pooled accounts' renewal reminders (issue 7, item 2).
/// </summary>
public sealed class RestartDurabilityTests
{
    private static readonly object[] TwoAutoPerHour = [new { model_name = "auto", every_minute = 60, limit_count = 2 }];

    // A restart (a deploy, a crash) must not hand every user a fresh window nor wipe the operator's usage reports.
    [Fact]
    public async Task Use_counts_and_a_users_limit_window_survive_a_restart()
    {
        const string Email = "restart-usage@example.com";
        var time = MidHourClock();
        await using var simulator = await UpstreamSimulator.StartAsync();
        using var data = new TempDirectory();
        string token;
        string userCounts, accountCounts;
        await using (var before = await GatewayApp.StartAsync(time: time, sharedSimulator: simulator, dataDirectory: data))
        {
            await before.AddPooledAccountAsync(Email);
            token = await before.MirrorTokenAsync("restart-user", Email, TwoAutoPerHour);
            using var client = before.CreateClient(token);
            for (var i = 0; i < 2; i++)
            {
                using var served = await client.ChatAsync($"before restart {i}");
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }

            (userCounts, accountCounts) = await UseCountsAsync(before, Email);
            Assert.Equal("{\"restart-user\":2}", userCounts);
            Assert.Contains("\"last_1h\":2", accountCounts, StringComparison.Ordinal);
        }

        await using var after = await GatewayApp.StartAsync(time: time, sharedSimulator: simulator, dataDirectory: data);
        Assert.Equal((userCounts, accountCounts), await UseCountsAsync(after, Email));

        using var third = await after.CreateClient(token).ChatAsync("after restart");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("model_limit_exceeded", (await third.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(2, simulator.CallCount("f/conversation", Email));
    }

    // Pooled accounts are the gateway's capacity: after a restart they must serve at once, and keep renewing by themselves.
    [Fact]
    public async Task A_pooled_account_is_still_pooled_served_and_reminded_after_a_restart()
    {
        const string Email = "restart-pool@example.com";
        await using var simulator = await UpstreamSimulator.StartAsync();
        using var data = new TempDirectory();
        await using (var before = await GatewayApp.StartAsync(sharedSimulator: simulator, dataDirectory: data))
        {
            await before.AddPooledAccountAsync(Email);
        }

        await using var after = await GatewayApp.StartAsync(sharedSimulator: simulator, dataDirectory: data);

        // The node's pool was filled from storage while it started, before any request named the account.
        Assert.Contains(after.Pool.Accounts, a => a.AccountId == AccountIds.ForEmail(Email) && a.InPool && a.Status == AccountStatus.Active);
        using var served = await after.CreateClient(GatewayApp.ServiceKey).ChatAsync("still pooled?");
        Assert.Equal(SimReplies.For("still pooled?", 1), await served.ContentAsync());
        Assert.Equal(1, simulator.CallCount("f/conversation", Email));

        var reminders = ReadReminders(Path.Combine(after.DataDirectory, "mirrorgate.db"));
        Assert.Contains(reminders, r => r.GrainId.StartsWith("account/", StringComparison.Ordinal)
            && r.GrainId.Contains(AccountIds.ForEmail(Email), StringComparison.Ordinal)
            && r.Name == "renew"
            && r.PeriodMs > 0);
    }

    private static async Task<(string Users, string Accounts)> UseCountsAsync(GatewayApp app, string email)
    {
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var users = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "restart-user" } });
        using var accounts = await admin.PostAsJsonAsync("/api/get-chatgpt-use-count", new { chatgpt_list = new[] { email } });
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        return ((await users.JsonAsync()).ToJsonString(), (await accounts.JsonAsync()).ToJsonString());
    }

    private static List<(string GrainId, string Name, long PeriodMs)> ReadReminders(string databasePath)
    {
        Assert.True(File.Exists(databasePath), $"no database at {databasePath}");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id, reminder_name, period FROM mg_reminder";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>Half past the current hour, so that hourly buckets and "today" cannot roll over between two reads.</summary>
    private static ManualTimeProvider MidHourClock()
    {
        var now = DateTimeOffset.Now;
        return new ManualTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 30, 0, now.Offset));
    }
}
