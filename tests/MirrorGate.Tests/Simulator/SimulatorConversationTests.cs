using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>The server-side conversation tree: continuation, reading it back, ownership, temporary chats, body rules.</summary>
public sealed class SimulatorConversationTests
{
    private const string Email = "dave@example.com";

    [Fact]
    public async Task A_continued_conversation_counts_turns_and_reads_back_as_a_mapping_tree()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        var first = await client.NewestTurnAsync(bearer, SimTestClient.Body("first question"));
        var cid = first.Document(2)["conversation_id"]!.GetValue<string>();
        var firstAnswer = first.Assistant["id"]!.GetValue<string>();
        var secondBody = SimTestClient.Body("second question", cid, parent: firstAnswer);
        var second = await client.NewestTurnAsync(bearer, secondBody);
        Assert.Equal("Echo #2: second question", second.Assistant["content"]!["parts"]![0]!.GetValue<string>());
        Assert.DoesNotContain(second.SideEvents, e => e["type"]!.GetValue<string>() == "title_generation");

        using var read = await client.SendAsync(HttpMethod.Get, $"/backend-api/conversation/{cid}", bearer);
        var tree = await SimTestClient.JsonAsync(read);
        Assert.Equal("first question", tree["title"]!.GetValue<string>());
        var secondAnswer = second.Assistant["id"]!.GetValue<string>();
        Assert.Equal(secondAnswer, tree["current_node"]!.GetValue<string>());
        var mapping = tree["mapping"]!.AsObject();
        Assert.Equal(6, mapping.Count); // root, system, user, assistant, user, assistant
        var root = Assert.Single(mapping, kv => kv.Value!["parent"] is null).Value!;
        Assert.Null(root["message"]);

        // Walk current_node up to the root: the branch the client sees.
        var roles = new List<string>();
        for (var node = mapping[secondAnswer]; node!["message"] is not null; node = mapping[node["parent"]!.GetValue<string>()])
        {
            roles.Add(node["message"]!["author"]!["role"]!.GetValue<string>());
            var parentId = node["parent"]!.GetValue<string>();
            Assert.Contains(node["id"]!.GetValue<string>(), mapping[parentId]!["children"]!.AsArray().Select(c => c!.GetValue<string>()));
        }

        Assert.Equal(["assistant", "user", "assistant", "user", "system"], roles);
        Assert.Equal(secondBody["messages"]![0]!["id"]!.GetValue<string>(), mapping[secondAnswer]!["parent"]!.GetValue<string>());

        var snapshot = sim.GetConversation(cid)!;
        Assert.Equal(Email, snapshot.OwnerEmail);
        Assert.Equal(secondAnswer, snapshot.CurrentNode);
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], snapshot.Messages.Select(m => m.Role));
        Assert.Equal("Echo #1: first question", snapshot.Messages[2].Text);
        Assert.Equal(1, sim.CallCount(SimEndpoints.ConversationGet, Email));
    }

    [Fact]
    public async Task Another_account_can_neither_read_nor_continue_a_conversation()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var owner = sim.AddAccount(Email).AccessToken;
        var other = sim.AddAccount("mallory@example.com").AccessToken;
        var turn = await client.NewestTurnAsync(owner, SimTestClient.Body("private"));
        var cid = turn.Document(2)["conversation_id"]!.GetValue<string>();

        foreach (var id in new[] { cid, Guid.NewGuid().ToString() })
        {
            using var read = await client.SendAsync(HttpMethod.Get, $"/backend-api/conversation/{id}", other);
            Assert.Equal(404, (int)read.StatusCode);
            Assert.Equal($"Can't load conversation {id}", (await SimTestClient.JsonAsync(read))["detail"]!.GetValue<string>());
        }

        var sentinel = await client.NewestHandshakeAsync(other);
        using var hijack = await client.PostConversationAsync(other, SimTestClient.Body("mine now", cid, turn.Assistant["id"]!.GetValue<string>()), sentinel, newest: true);
        Assert.Equal(422, (int)hijack.StatusCode);
        Assert.Equal(3, sim.GetConversation(cid)!.Messages.Count); // system, user, assistant: nothing added
    }

    [Fact]
    public async Task A_temporary_chat_is_streamed_but_never_kept()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        var turn = await client.NewestTurnAsync(bearer, SimTestClient.Body("forget me", historyDisabled: true));
        Assert.Equal("Echo #1: forget me", turn.Assistant["content"]!["parts"]![0]!.GetValue<string>());
        var cid = turn.Document(2)["conversation_id"]!.GetValue<string>();
        Assert.Null(sim.GetConversation(cid));
        using var read = await client.SendAsync(HttpMethod.Get, $"/backend-api/conversation/{cid}", bearer);
        Assert.Equal(404, (int)read.StatusCode);

        var sentinel = await client.NewestHandshakeAsync(bearer);
        using var again = await client.PostConversationAsync(bearer, SimTestClient.Body("and again", cid, turn.Assistant["id"]!.GetValue<string>()), sentinel, newest: true);
        Assert.Equal(422, (int)again.StatusCode);
    }

    [Fact]
    public async Task Earlier_turns_sent_in_one_request_count_as_turns()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        var body = SimTestClient.Body("third");
        body["messages"] = new JsonArray(
            SimTestClient.Message("system", "be brief"),
            SimTestClient.Message("user", "one"),
            SimTestClient.Message("assistant", "Echo #1: one"),
            SimTestClient.Message("user", "two"),
            SimTestClient.Message("assistant", "Echo #2: two"),
            SimTestClient.Message("user", "third"));

        var turn = await client.NewestTurnAsync(bearer, body);
        Assert.Equal("Echo #3: third", turn.Assistant["content"]!["parts"]![0]!.GetValue<string>());
    }

    public static TheoryData<string> BadBodies => new()
    {
        """{"action":"bogus","messages":[],"model":"auto","parent_message_id":"client-created-root"}""",
        """{"action":"next","messages":[],"model":"auto","parent_message_id":"client-created-root"}""",
        """{"action":"next","messages":[{"author":{"role":"user"},"content":{"content_type":"text","parts":["x"]}}],"parent_message_id":"client-created-root"}""",
        """{"action":"next","messages":[{"author":{"role":"user"},"content":{"content_type":"text","parts":["x"]}}],"model":"auto"}""",
        """{"action":"next","messages":[{"author":{"role":"user"},"content":{"content_type":"text","parts":["x"]}}],"model":"auto","parent_message_id":"client-created-root","thinking_effort":"high"}""",
        """{"action":"next","messages":[{"author":{"role":"user"},"content":{"content_type":"text","parts":["x"]}}],"model":"auto","parent_message_id":"p","conversation_id":"7c1e2a44-0000-4000-8000-000000000000"}""",
        """{"action":"next","messages":[{"content":{"content_type":"text","parts":["x"]}}],"model":"auto","parent_message_id":"client-created-root"}""",
        """{"action":"continue","model":"auto","parent_message_id":"client-created-root"}""",
        """not json""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bodies_that_break_the_documented_rules_get_422(string body)
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        var sentinel = await client.NewestHandshakeAsync(bearer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backend-api/f/conversation")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer " + bearer);
        request.Headers.Add("OpenAI-Sentinel-Chat-Requirements-Token", sentinel.RequirementsToken);
        request.Headers.Add("OpenAI-Sentinel-Proof-Token", sentinel.Proof);
        request.Headers.Add("X-Conduit-Token", sentinel.Conduit);
        using var response = await client.Http.SendAsync(request);
        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal("Invalid conversation body", (await SimTestClient.JsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_valid_thinking_effort_is_accepted()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        var body = SimTestClient.Body("think");
        body["thinking_effort"] = "extended";
        var turn = await client.NewestTurnAsync(bearer, body);
        Assert.Equal("Echo #1: think", turn.Assistant["content"]!["parts"]![0]!.GetValue<string>());
    }
}
