using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>A continued conversation goes back to the account that owns it, and only its owner may continue a private one.</summary>
public sealed class ConversationAffinityTests
{
    [Fact]
    public async Task A_continued_conversation_is_served_by_its_owning_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("first@example.com");
        await app.AddPooledAccountAsync("second@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var opening = await client.ChatAsync("turn 1");
        var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();
        var owner = app.Simulator.GetConversation(conversationId)!.OwnerEmail!;
        var other = owner == "first@example.com" ? "second@example.com" : "first@example.com";

        // Fresh conversations in between keep the two accounts equally loaded, so without affinity
        // about half the continuations would land on the other account (which the upstream refuses).
        for (var turn = 2; turn <= 7; turn++)
        {
            using var unrelated = await client.ChatAsync($"unrelated {turn}");
            using var continued = await client.ChatAsync($"turn {turn}", conversationId: conversationId);
            Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
            Assert.Equal(SimReplies.For($"turn {turn}", turn), await continued.ContentAsync());
        }

        Assert.Equal(7, app.Simulator.GetConversation(conversationId)!.Messages.Count(m => m.Role == "user"));
        Assert.True(app.Simulator.CallCount("f/conversation", other) > 0, "the other account never served anything, so the test proves nothing");
    }

    [Fact]
    public async Task A_private_conversation_cannot_be_continued_by_another_user_of_the_same_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("shared@example.com");
        using var alice = app.CreateClient(await app.MirrorTokenAsync("alice-iso", "shared@example.com", isolatedSession: true));
        using var bob = app.CreateClient(await app.MirrorTokenAsync("bob-iso", "shared@example.com", isolatedSession: true));

        using var opening = await alice.ChatAsync("alice's secret");
        var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();

        using var intruder = await bob.ChatAsync("let me in", conversationId: conversationId);
        using var owner = await alice.ChatAsync("still mine", conversationId: conversationId);

        Assert.Equal(HttpStatusCode.NotFound, intruder.StatusCode);
        Assert.Equal("conversation_not_found", (await intruder.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(SimReplies.For("still mine", 2), await owner.ContentAsync());
    }

    [Fact]
    public async Task Users_without_isolation_share_conversations_on_their_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("team@example.com");
        using var carol = app.CreateClient(await app.MirrorTokenAsync("carol-open", "team@example.com", isolatedSession: false));
        using var dave = app.CreateClient(await app.MirrorTokenAsync("dave-open", "team@example.com", isolatedSession: false));

        using var opening = await carol.ChatAsync("shared topic");
        var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();
        using var follow = await dave.ChatAsync("adding to it", conversationId: conversationId);

        Assert.Equal(HttpStatusCode.OK, follow.StatusCode);
        Assert.Equal(SimReplies.For("adding to it", 2), await follow.ContentAsync());
    }

    [Fact]
    public async Task A_conversation_the_gateway_never_saw_is_not_sent_to_an_arbitrary_pooled_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("pool-a@example.com");
        var own = app.Simulator.AddAccount("own@example.com");
        var unknown = Guid.NewGuid().ToString();

        using var fromPool = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("continue?", conversationId: unknown);
        Assert.Equal(HttpStatusCode.NotFound, fromPool.StatusCode);
        Assert.Equal("conversation_not_found", (await fromPool.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(0, app.Simulator.CallCount("f/conversation"));

        // A caller with its own credential may own conversations made elsewhere: its account decides.
        using var fromOwnToken = await app.CreateClient($"{GatewayApp.ServiceKey} {own.AccessToken}").ChatAsync("continue?", conversationId: unknown);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation", "own@example.com"));
        Assert.NotEqual(HttpStatusCode.OK, fromOwnToken.StatusCode);
    }

    [Fact]
    public async Task A_continuation_with_nothing_new_after_the_last_assistant_message_is_refused_before_any_upstream_call()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("nothing-new@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        using var opening = await client.ChatAsync("turn 1");
        var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "auto",
            conversation_id = conversationId,
            messages = new object[] { new { role = "user", content = "turn 1" }, new { role = "assistant", content = "answer" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages", (await response.JsonAsync())["error"]!["param"]!.GetValue<string>());
        Assert.Equal(1, app.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task A_turn_writes_its_conversation_record_once_and_nothing_else()
    {
        CountingStorage? storage = null;
        await using var app = await GatewayApp.StartAsync(services: s => CountingStorage.Install(s, created => storage = created));
        await app.AddPooledAccountAsync("writes@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var accountWrites = storage!.Writes("account");

        using var opening = await client.ChatAsync("turn 1");
        var conversationId = (await opening.JsonAsync())["conversation_id"]!.GetValue<string>();
        using var second = await client.ChatAsync("turn 2", conversationId: conversationId, stream: true);
        await SseRead.ReadAsync(second);
        using var temporary = await client.ChatAsync("off the record", hatd: true);

        Assert.Equal(HttpStatusCode.OK, temporary.StatusCode);
        Assert.Equal(2, storage.Writes("conversation"));
        Assert.Equal(accountWrites, storage.Writes("account"));
    }
}
