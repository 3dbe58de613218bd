using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>Account endpoints, Team workspaces, call counting and concurrency.</summary>
public sealed class SimulatorAccountTests
{
    private const string Email = "grace@example.com";

    [Fact]
    public async Task Accounts_check_lists_the_team_workspace_first_and_the_workspace_header_is_checked()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var team = "ws-1"; // real ids are UUIDs; a short one must not break the body either
        var account = sim.AddAccount(Email, plan: "plus", teamAccountId: team);

        using var response = await client.SendAsync(HttpMethod.Get, "/backend-api/accounts/check/v4-2023-04-27", account.AccessToken);
        var body = await SimTestClient.JsonAsync(response);
        Assert.Equal([team, account.AccountId], body["account_ordering"]!.AsArray().Select(n => n!.GetValue<string>()));
        var workspace = body["accounts"]![team]!["account"]!;
        Assert.Equal("team", workspace["plan_type"]!.GetValue<string>());
        Assert.Equal("workspace", workspace["structure"]!.GetValue<string>());
        Assert.False(workspace["is_deactivated"]!.GetValue<bool>());
        Assert.Equal("plus", body["accounts"]![account.AccountId]!["account"]!["plan_type"]!.GetValue<string>());
        Assert.Equal(account.AccountId, body["accounts"]!["default"]!["account"]!["account_id"]!.GetValue<string>());

        using var inWorkspace = await client.SendAsync(HttpMethod.Get, "/backend-api/me", account.AccessToken, headers: [("ChatGPT-Account-ID", team)]);
        Assert.Equal(200, (int)inWorkspace.StatusCode);
        using var foreign = await client.SendAsync(HttpMethod.Get, "/backend-api/me", account.AccessToken, headers: [("ChatGPT-Account-ID", Guid.NewGuid().ToString())]);
        Assert.Equal(403, (int)foreign.StatusCode);
    }

    [Fact]
    public async Task Me_models_and_init_answer_in_the_documented_shapes()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var account = sim.AddAccount(Email);

        var me = await SimTestClient.JsonAsync(await client.SendAsync(HttpMethod.Get, "/backend-api/me", account.AccessToken));
        Assert.Equal(Email, me["email"]!.GetValue<string>());
        Assert.Equal(account.UserId, me["id"]!.GetValue<string>());

        var models = await SimTestClient.JsonAsync(await client.SendAsync(HttpMethod.Get, "/backend-api/models?history_and_training_disabled=false", account.AccessToken));
        Assert.Contains("auto", models["models"]!.AsArray().Select(m => m!["slug"]!.GetValue<string>()));
        Assert.NotNull(models["categories"]);
        var anon = await SimTestClient.JsonAsync(await client.SendAsync(HttpMethod.Get, "/backend-anon/models", headers: [("Oai-Device-Id", Guid.NewGuid().ToString())]));
        Assert.NotEmpty(anon["models"]!.AsArray());

        var init = await SimTestClient.JsonAsync(await client.SendAsync(HttpMethod.Post, "/backend-api/conversation/init", account.AccessToken, new JsonObject { ["gizmo_id"] = null }));
        Assert.Equal("conversation_detail_metadata", init["type"]!.GetValue<string>());
        Assert.Contains("image_gen", init["limits_progress"]!.AsArray().Select(l => l!["feature_name"]!.GetValue<string>()));

        Assert.Equal(2, sim.CallCount(SimEndpoints.Models));
        Assert.Equal(1, sim.CallCount(SimEndpoints.Models, Email));
        Assert.Equal(1, sim.CallCount(SimEndpoints.ConversationInit, Email));
    }

    [Fact]
    public async Task Every_step_of_a_turn_is_counted_per_account_and_counts_reset()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        sim.AddAccount("heidi@example.com");

        await client.NewestTurnAsync(bearer, SimTestClient.Body("count me"));
        var legacy = await client.LegacyHandshakeAsync(bearer);
        using (var response = await client.PostConversationAsync(bearer, SimTestClient.Body("and me"), legacy, newest: false))
        {
            await SseReader.ReadAllAsync(response);
        }

        foreach (var endpoint in new[]
        {
            SimEndpoints.ChatRequirementsPrepare, SimEndpoints.ChatRequirementsFinalize, SimEndpoints.ConversationPrepare,
            SimEndpoints.FConversation, SimEndpoints.ChatRequirements, SimEndpoints.Conversation,
        })
        {
            Assert.Equal(1, sim.CallCount(endpoint, Email));
            Assert.Equal(0, sim.CallCount(endpoint, "heidi@example.com"));
        }

        sim.ResetCallCounts();
        Assert.Equal(0, sim.CallCount(SimEndpoints.FConversation, Email));
        Assert.Equal(0, sim.CallCount(SimEndpoints.FConversation));
    }

    [Fact]
    public async Task Fifty_concurrent_turns_all_complete_and_are_all_counted()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { ReplyChunks = 3 });
        using var client = new SimTestClient(sim);
        var bearers = Enumerable.Range(0, 5).Select(i => sim.AddAccount($"user{i}@example.com").AccessToken).ToArray();

        var turns = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.NewestTurnAsync(bearers[i % 5], SimTestClient.Body($"question {i}"))));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(SimReplies.For($"question {i}", 1), turns[i].Assistant["content"]!["parts"]![0]!.GetValue<string>());
            Assert.NotNull(sim.GetConversation(turns[i].Document(2)["conversation_id"]!.GetValue<string>()));
        }

        Assert.Equal(50, sim.CallCount(SimEndpoints.FConversation));
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(10, sim.CallCount(SimEndpoints.FConversation, $"user{i}@example.com")));
    }

    [Fact]
    public async Task Adding_an_account_again_logs_it_in_again_with_the_same_ids()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        var first = sim.AddAccount(Email);
        var (accountId, refresh) = (first.AccountId, first.RefreshToken);
        var again = sim.AddAccount(Email, plan: "pro");
        Assert.Same(first, again);
        Assert.Equal(accountId, again.AccountId);
        Assert.Equal("pro", again.Plan);
        Assert.NotEqual(refresh, again.RefreshToken);
        Assert.Throws<KeyNotFoundException>(() => sim.GetAccount("nobody@example.com"));
    }

    [Fact]
    public async Task The_control_endpoints_add_accounts_queue_faults_and_report_calls()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);

        using var added = await client.SendAsync(HttpMethod.Post, "/_sim/accounts", body: new JsonObject { ["email"] = Email, ["plan"] = "team" });
        var account = await SimTestClient.JsonAsync(added);
        var bearer = account["access_token"]!.GetValue<string>();
        Assert.Equal(sim.GetAccount(Email).AccessToken, bearer);
        Assert.Equal("team", sim.GetAccount(Email).Plan);

        using var queued = await client.SendAsync(HttpMethod.Post, "/_sim/faults", body: new JsonObject
        {
            ["email"] = Email, ["kind"] = "RateLimited", ["clears_in_seconds"] = 30, ["times"] = 1,
        });
        Assert.Equal(204, (int)queued.StatusCode);
        using var unknown = await client.SendAsync(HttpMethod.Post, "/_sim/faults", body: new JsonObject { ["email"] = "nobody@example.com", ["kind"] = "ServerError" });
        Assert.Equal(404, (int)unknown.StatusCode);

        var sentinel = await client.LegacyHandshakeAsync(bearer);
        using var limited = await client.PostConversationAsync(bearer, SimTestClient.Body("x"), sentinel, newest: false);
        Assert.Equal(429, (int)limited.StatusCode);

        var calls = await SimTestClient.JsonAsync(await client.SendAsync(HttpMethod.Get, "/_sim/calls"));
        Assert.Contains(calls["calls"]!.AsArray(), c =>
            c!["endpoint"]!.GetValue<string>() == SimEndpoints.Conversation && c["email"]?.GetValue<string>() == Email && c["count"]!.GetValue<int>() == 1);
        Assert.Equal(204, (int)(await client.SendAsync(HttpMethod.Delete, $"/_sim/faults/{Email}")).StatusCode);
    }
}
