using Microsoft.Extensions.DependencyInjection;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Hooks;

/// <summary>A notify delivery the hook has not taken when its node stops is sent after the node starts again, once.</summary>
public sealed class NotifyRestartTests
{
    private const string Account = "notify-restart@example.com";

    [Fact]
    public async Task A_pending_delivery_survives_a_restart_and_is_delivered_exactly_once_afterwards()
    {
        await using var hooks = await HookServer.StartAsync();
        await using var simulator = await UpstreamSimulator.StartAsync();
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Hooks:NotifyUrl"] = hooks.Url("/notify"),
            ["Hooks:AllowLoopback"] = "true",
            ["Hooks:NotifyBackoff"] = "00:00:00.200",
            ["Hooks:NotifyRetries"] = "20",
            // The reminder that resumes a delivery after a restart: every second here (a minute by default).
            ["Hooks:NotifyResumePeriod"] = "00:00:01",
        };
        static void FastReminders(IServiceCollection services) => services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));

        hooks.On("/notify", new HookAnswer(503, Text: "down for maintenance"));
        string key;
        await using (var before = await GatewayApp.StartAsync(settings, services: FastReminders, sharedSimulator: simulator, dataDirectory: data))
        {
            await before.AddPooledAccountAsync(Account);
            var token = await before.MirrorTokenAsync("notify-restart-user", Account);
            using (var chat = await before.CreateClient(token).ChatAsync("remember me"))
            {
                Assert.Equal(SimReplies.For("remember me", 1), await chat.ContentAsync());
            }

            await Eventually.WaitUntilAsync(() => hooks.Calls("/notify").Count > 0, "a first attempt was refused");
            key = hooks.Calls("/notify")[0].Header("Idempotency-Key")!;
            Assert.Contains(HookTestData.NotifyReminders(before), r => r.Contains(key, StringComparison.Ordinal));

            // Stored, with the body, but the user's token only encrypted.
            var outbox = Assert.Single(HookTestData.StoredStates(before), s => s.StateName == "notify-outbox");
            Assert.Contains("remember me", outbox.Payload, StringComparison.Ordinal);
            Assert.DoesNotContain(token, outbox.Payload, StringComparison.Ordinal);
        }

        var attemptsBefore = hooks.Calls("/notify").Count;
        Assert.DoesNotContain(hooks.Calls("/notify"), c => c.AnsweredWith == 200);
        hooks.On("/notify", new HookAnswer());

        await using var after = await GatewayApp.StartAsync(settings, services: FastReminders, sharedSimulator: simulator, dataDirectory: data);
        await Eventually.WaitUntilAsync(() => hooks.Calls("/notify").Any(c => c.AnsweredWith == 200), "the delivery was taken after the restart", TimeSpan.FromSeconds(30));
        await Eventually.WaitUntilAsync(() => !HookTestData.NotifyReminders(after).Any(r => r.Contains(key, StringComparison.Ordinal)), "the delivery's reminder is gone");

        var calls = hooks.Calls("/notify");
        Assert.All(calls, c => Assert.Equal(key, c.Header("Idempotency-Key")));
        Assert.Single(calls, c => c.AnsweredWith == 200);
        Assert.True(calls.Count > attemptsBefore, "no attempt after the restart");
        Assert.Single(calls.Select(c => c.Body).Distinct());
    }
}
