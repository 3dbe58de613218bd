using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Saas;

/// <summary>
/// <c>importConversationBySelf</c> and <c>importConversationByWeb</c>: conversations stored under a user named by an
/// activation code, listed and read through <c>/backend-api</c>, and continued (issue 10, item 1).
/// </summary>
public sealed partial class ConversationImportTests(SaasGateway gateway) : IClassFixture<SaasGateway>, IAsyncLifetime
{
    private GatewayApp App => gateway.App;

    public async Task InitializeAsync()
    {
        if (!App.Pool.Accounts.Any(a => a.Email == "imports-pool@example.com"))
        {
            await App.AddPooledAccountAsync("imports-pool@example.com");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex("\"conversation_id\":\\s*\"([^\"]+)\"")]
    private static partial Regex ConversationIdPattern();

    /// <summary>A conversation as the official <c>GET /backend-api/conversation/{id}</c> answers it: root → system → user → assistant.</summary>
    private static JsonObject Official(string id, string title, string userText, string assistantText) => new()
    {
        ["title"] = title,
        ["create_time"] = 1735689600.123,
        ["update_time"] = 1735689700.5,
        ["conversation_id"] = id,
        ["current_node"] = "m-assistant",
        ["mapping"] = new JsonObject
        {
            ["root"] = new JsonObject { ["id"] = "root", ["message"] = null, ["parent"] = null, ["children"] = new JsonArray("m-system") },
            ["m-system"] = Node("m-system", "root", "system", "", hidden: true),
            ["m-user"] = Node("m-user", "m-system", "user", userText),
            ["m-assistant"] = Node("m-assistant", "m-user", "assistant", assistantText),
        },
    };

    private static JsonObject Node(string id, string parent, string role, string text, bool hidden = false) => new()
    {
        ["id"] = id,
        ["parent"] = parent,
        ["children"] = new JsonArray(),
        ["message"] = new JsonObject
        {
            ["id"] = id,
            ["author"] = new JsonObject { ["role"] = role },
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(text) },
            ["metadata"] = new JsonObject { ["is_visually_hidden_from_conversation"] = hidden },
        },
    };

    private static object WebPayload(string prompt, string conversationId, string parent) => new Dictionary<string, object?>
    {
        ["action"] = "next",
        ["model"] = "auto",
        ["messages"] = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { prompt } } } },
        ["parent_message_id"] = parent,
        ["conversation_id"] = conversationId,
    };

    [Fact]
    public async Task Imported_conversations_in_the_official_and_a_mirror_shape_are_listed_and_read_by_their_user_only()
    {
        var code = await gateway.CreateCodeAsync(new { user = "importer-one" });
        var other = await gateway.CreateCodeAsync(new { user = "importer-other" });
        var official = Official("11111111-aaaa-4aaa-8aaa-000000000001", "Trip to Lisbon", "Plan my trip", "Day one: Alfama.");
        var mirror = new JsonObject { ["code"] = 0, ["data"] = Official("11111111-aaaa-4aaa-8aaa-000000000002", "Recipes", "Soup?", "Lentil soup.") };

        using var imported = await gateway.PostJsonAsync("/adminapi/importConversationBySelf", new { user = code, conversations = new JsonNode[] { official, mirror, new JsonObject { ["title"] = "no mapping" } } });

        var data = (await imported.JsonAsync())["data"]!;
        Assert.Equal(2, data["imported"]!.AsArray().Count);
        var failed = Assert.Single(data["failed"]!.AsArray());
        Assert.Equal(2, failed!["index"]!.GetValue<int>());
        Assert.Contains("mapping", failed["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        using var user = App.CreateClient(code);
        var list = (await (await user.GetAsync("/backend-api/conversations?offset=0&limit=28")).JsonAsync());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.Equal(["Recipes", "Trip to Lisbon"], list["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).Order().ToArray());

        using var read = await user.GetAsync("/backend-api/conversation/11111111-aaaa-4aaa-8aaa-000000000001");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var conversation = await read.JsonAsync();
        Assert.Equal("Trip to Lisbon", conversation["title"]!.GetValue<string>());
        Assert.Equal("Day one: Alfama.", conversation["mapping"]!["m-assistant"]!["message"]!["content"]!["parts"]![0]!.GetValue<string>());

        using var stranger = App.CreateClient(other);
        using var hidden = await stranger.GetAsync("/backend-api/conversation/11111111-aaaa-4aaa-8aaa-000000000001");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(0, (await (await stranger.GetAsync("/backend-api/conversations")).JsonAsync())["total"]!.GetValue<int>());

        using var pool = App.CreateClient(GatewayApp.ServiceKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await pool.GetAsync("/backend-api/conversations")).StatusCode);
    }

    // User names are the operator's (e-mail addresses, say) and ids come from requests: no combination of the two may
    // reach another user's copy.
    [Fact]
    public async Task A_user_whose_name_ends_another_users_name_cannot_read_that_users_conversation_by_a_crafted_id()
    {
        var bob = await gateway.CreateCodeAsync(new { user = "bob@corp.example" });
        var corp = await gateway.CreateCodeAsync(new { user = "corp.example" });
        (await gateway.PostJsonAsync("/adminapi/importConversationBySelf", new { user = bob, conversations = new[] { Official("x1", "Bob's secret", "a", "b") } })).Dispose();

        Assert.Equal(HttpStatusCode.OK, (await App.CreateClient(bob).GetAsync("/backend-api/conversation/x1")).StatusCode);
        using var crafted = await App.CreateClient(corp).GetAsync("/backend-api/conversation/x1@bob");
        Assert.Equal(HttpStatusCode.NotFound, crafted.StatusCode);
        using var continued = await App.CreateClient(corp).ChatAsync("let me continue", conversationId: "x1@bob");
        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
    }

    [Fact]
    public async Task Importing_a_conversation_again_replaces_it()
    {
        var code = await gateway.CreateCodeAsync(new { user = "importer-again" });
        const string id = "22222222-aaaa-4aaa-8aaa-000000000001";
        (await gateway.PostJsonAsync("/adminapi/importConversationBySelf", new { user = code, conversations = new[] { Official(id, "First title", "a", "b") } })).Dispose();
        (await gateway.PostJsonAsync("/adminapi/importConversationBySelf", new { user = code, conversations = new[] { Official(id, "Second title", "a", "b") } })).Dispose();

        var list = await (await App.CreateClient(code).GetAsync("/backend-api/conversations")).JsonAsync();
        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal("Second title", item!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_imported_conversation_is_continued_upstream_with_its_history_and_later_turns_stay_on_that_conversation()
    {
        var code = await gateway.CreateCodeAsync(new { user = "importer-continue" });
        const string id = "33333333-aaaa-4aaa-8aaa-000000000001";
        (await gateway.PostJsonAsync("/adminapi/importConversationBySelf", new { user = code, conversations = new[] { Official(id, "Names", "My name is Zorro-417.", "Nice to meet you, Zorro-417.") } })).Dispose();
        using var user = App.CreateClient(code);

        using var first = await user.PostAsJsonAsync("/backend-api/conversation", WebPayload("What is my name?", id, "m-assistant"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var upstreamId = ConversationIdPattern().Match(await first.Content.ReadAsStringAsync()).Groups[1].Value;
        var carried = App.Simulator.GetConversation(upstreamId)!;
        Assert.Contains(carried.Messages, m => m.Role == "user" && m.Text == "My name is Zorro-417.");
        Assert.Contains(carried.Messages, m => m.Role == "assistant" && m.Text == "Nice to meet you, Zorro-417.");
        Assert.Contains(carried.Messages, m => m.Role == "user" && m.Text == "What is my name?");

        // The client names the imported conversation again: the turn goes to the same upstream conversation.
        using var second = await user.ChatAsync("And again?", conversationId: id);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains(App.Simulator.GetConversation(upstreamId)!.Messages, m => m.Role == "user" && m.Text == "And again?");

        // Another user cannot continue it.
        using var stranger = App.CreateClient(await gateway.CreateCodeAsync(new { user = "importer-continue-stranger" }));
        using var refused = await stranger.ChatAsync("let me in", conversationId: id);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task Import_by_web_fetches_each_conversation_upstream_and_reports_the_items_that_failed()
    {
        var origin = App.Simulator.AddAccount("imports-origin@example.com");
        using var owner = App.CreateClient($"{GatewayApp.ServiceKey} {origin.AccessToken}");
        using var made = await owner.PostAsJsonAsync("/backend-api/conversation", WebPayload("Remember the password swordfish", null!, "client-created-root"));
        var conversationId = ConversationIdPattern().Match(await made.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(conversationId);
        var code = await gateway.CreateCodeAsync(new { user = "importer-web" });

        using var imported = await gateway.PostJsonAsync("/adminapi/importConversationByWeb", new
        {
            user = code,
            conversations = new object[]
            {
                new { gpt_account_mail = origin.Email, gpt_account_id = origin.AccountId, access_token = origin.AccessToken, conversation_id = conversationId },
                new { gpt_account_mail = origin.Email, gpt_account_id = origin.AccountId, access_token = origin.AccessToken, conversation_id = "00000000-0000-4000-8000-00000000dead" },
                new { gpt_account_mail = origin.Email, gpt_account_id = "", access_token = "not-a-token", conversation_id = conversationId },
                new { gpt_account_mail = origin.Email },
            },
        });

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var data = (await imported.JsonAsync())["data"]!;
        Assert.Equal(conversationId, Assert.Single(data["imported"]!.AsArray())!.GetValue<string>());
        var failed = data["failed"]!.AsArray().ToDictionary(f => f!["index"]!.GetValue<int>(), f => f!["reason"]!.GetValue<string>());
        Assert.Equal([1, 2, 3], failed.Keys.Order().ToArray());
        Assert.Contains("does not know", failed[1], StringComparison.Ordinal);
        Assert.Contains("access_token", failed[2], StringComparison.Ordinal);
        Assert.Contains("conversation_id", failed[3], StringComparison.Ordinal);
        Assert.DoesNotContain(origin.AccessToken, data.ToJsonString(), StringComparison.Ordinal);

        using var user = App.CreateClient(code);
        using var read = await user.GetAsync($"/backend-api/conversation/{conversationId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("Remember the password swordfish", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Continued on the pool: the pool's account receives the history fetched from the original account.
        using var continued = await user.ChatAsync("What was the password?", conversationId: conversationId);
        Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
        var carriedOn = App.Simulator.GetConversation((await continued.JsonAsync())["conversation_id"]!.GetValue<string>())!;
        Assert.Equal("imports-pool@example.com", carriedOn.OwnerEmail);
        Assert.Contains(carriedOn.Messages, m => m.Role == "user" && m.Text == "Remember the password swordfish");
    }

    [Theory]
    [InlineData("""{"conversations":[]}""", 400, "'user'")]
    [InlineData("""{"user":"NO-SUCH-CODE-123","conversations":[]}""", 404, "activation code")]
    [InlineData("""{"user":"NO-SUCH-CODE-123","conversations":{"a":1}}""", 400, "'conversations'")]
    [InlineData("""{"user":"NO-SUCH-CODE-123"}""", 400, "'conversations'")]
    public async Task Bad_import_requests_are_refused_with_the_reason(string json, int status, string expected)
    {
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("adminapi", SaasGateway.Secret);
        foreach (var route in new[] { "/adminapi/importConversationBySelf", "/adminapi/importConversationByWeb" })
        {
            using var response = await client.PostAsync(route, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Contains(expected, (await response.JsonAsync())["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
