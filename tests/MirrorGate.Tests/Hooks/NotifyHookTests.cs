using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Hooks;

public sealed class NotifyGateway : HookGateway
{
    public const string Account = "notify-pool@example.com";

    /// <summary>Short pauses keep the retry tests quick; three retries: four attempts in all.</summary>
    public const int Retries = 3;

    protected override Dictionary<string, string?> Settings(HookServer hooks) => new()
    {
        ["Hooks:NotifyUrl"] = hooks.Url("/notify"),
        ["Hooks:AllowLoopback"] = "true",
        ["Hooks:NotifyBackoff"] = "00:00:00.050",
        ["Hooks:NotifyRetries"] = Retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Longer than the order test's safety valve: a gateway that waited for the hook would wait for the valve.
        ["Hooks:Timeout"] = "00:01:00",
    };

    protected override async Task SeedAsync(GatewayApp app) => await app.AddPooledAccountAsync(Account);
}

/// <summary>
/// The Notify hook (issue 10, item 3): after a user's turn was accepted, the same call as the audit's, sent on its own
/// time (never delaying the answer), retried with backoff a bounded number of times, and delivered once.
/// </summary>
public sealed class NotifyHookTests(NotifyGateway gateway) : IClassFixture<NotifyGateway>
{
    private GatewayApp App => gateway.App;

    private HookServer Hooks => gateway.Hooks;

    [Fact]
    public async Task The_answer_is_complete_while_the_hook_still_holds_its_answer_and_the_delivery_follows()
    {
        var gate = new TaskCompletionSource();
        var hookAnswered = false;
        Hooks.On("/notify", async _ =>
        {
            // Held until the test has read the whole chat answer (or, should the gateway wait for the hook, until the
            // safety valve opens it: then the order asserted below is wrong and the test fails rather than hangs).
            await Task.WhenAny(gate.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            Volatile.Write(ref hookAnswered, true);
            return new HookAnswer();
        });
        var token = await App.MirrorTokenAsync("notify-order", NotifyGateway.Account);
        var before = Hooks.Calls("/notify").Count;

        using var chat = await App.CreateClient(token).ChatAsync("tell them later", stream: true);
        var streamed = await chat.Content.ReadAsStringAsync();
        Assert.False(Volatile.Read(ref hookAnswered), "the chat answer ended only after the notify hook answered");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Contains("[DONE]", streamed, StringComparison.Ordinal);

        // While the hook holds it, the delivery is stored with its reminder, so a restart now would not lose it.
        await Eventually.WaitUntilAsync(() => Hooks.Calls("/notify").Count > before, "the notify hook was called");
        var key = Hooks.Calls("/notify")[before].Header("Idempotency-Key")!;
        Assert.False(string.IsNullOrEmpty(key));
        Assert.Contains(HookTestData.NotifyReminders(App), r => r.Contains(key, StringComparison.Ordinal));
        gate.SetResult();

        await Eventually.WaitUntilAsync(() => Hooks.Calls("/notify").Skip(before).Any(c => c.AnsweredWith == 200), "the notify hook took the delivery");
        var delivery = Assert.Single(Hooks.Calls("/notify").Skip(before));
        Assert.Equal("Bearer " + token, delivery.Header("Authorization"));
        Assert.Equal("1", delivery.Header("queries"));
        Assert.Equal(key, delivery.Header("Idempotency-Key"));
        var body = JsonNode.Parse(delivery.Body)!.AsObject();
        Assert.Equal("next", body["action"]!.GetValue<string>());
        Assert.Contains("tell them later", body["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_answered_with_500s_is_retried_with_the_same_key_and_body_and_delivered_once()
    {
        var seen = 0;
        Hooks.On("/notify", _ => Task.FromResult(Interlocked.Increment(ref seen) <= 2 ? new HookAnswer(500, Text: "busy") : new HookAnswer()));
        var token = await App.MirrorTokenAsync("notify-retried", NotifyGateway.Account);
        var before = Hooks.Calls("/notify").Count;

        using (var chat = await App.CreateClient(token).ChatAsync("count me"))
        {
            Assert.Equal(SimReplies.For("count me", 1), await chat.ContentAsync());
        }

        await Eventually.WaitUntilAsync(() => Hooks.Calls("/notify").Skip(before).Any(c => c.AnsweredWith == 200), "a retry was taken");
        var key = Hooks.Calls("/notify").Skip(before).First().Header("Idempotency-Key")!;

        // Forgotten once taken: no reminder left to send it again.
        await Eventually.WaitUntilAsync(() => !HookTestData.NotifyReminders(App).Any(r => r.Contains(key, StringComparison.Ordinal)), "the delivery's reminder is gone");
        var calls = Hooks.Calls("/notify").Skip(before).ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(key, c.Header("Idempotency-Key")));
        Assert.Single(calls.Select(c => c.Body).Distinct());
        Assert.Equal([500, 500, 200], calls.Select(c => c.AnsweredWith));
    }

    [Fact]
    public async Task A_delivery_the_hook_never_takes_is_dropped_after_the_configured_retries()
    {
        Hooks.On("/notify", new HookAnswer(503, Text: "down"));
        var token = await App.MirrorTokenAsync("notify-dropped", NotifyGateway.Account);
        var before = Hooks.Calls("/notify").Count;

        using (var chat = await App.CreateClient(token).ChatAsync("nobody listens"))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        await Eventually.WaitUntilAsync(() => Hooks.Calls("/notify").Skip(before).Any(), "the first attempt");
        var key = Hooks.Calls("/notify").Skip(before).First().Header("Idempotency-Key")!;
        await Eventually.WaitUntilAsync(() => !HookTestData.NotifyReminders(App).Any(r => r.Contains(key, StringComparison.Ordinal)), "the delivery was given up");
        Assert.Equal(1 + NotifyGateway.Retries, Hooks.Calls("/notify").Skip(before).Count(c => c.Header("Idempotency-Key") == key));
    }

    [Fact]
    public async Task Turns_of_callers_that_are_not_users_are_not_notified()
    {
        // A delivery would be stored (with its reminder) before the answer ends, and held there by the gate.
        var gate = new TaskCompletionSource();
        Hooks.On("/notify", new HookAnswer(Gate: gate.Task));
        var pending = HookTestData.NotifyReminders(App).ToHashSet();
        var before = Hooks.Calls("/notify").Count;
        List<string> after;
        try
        {
            using var pooled = await App.CreateClient(GatewayApp.ServiceKey).ChatAsync("service key turn");
            Assert.Equal(SimReplies.For("service key turn", 1), await pooled.ContentAsync());
            after = HookTestData.NotifyReminders(App);
        }
        finally
        {
            gate.SetResult();
        }

        Assert.Empty(after.Except(pending));
        Assert.Equal(before, Hooks.Calls("/notify").Count);
    }
}
