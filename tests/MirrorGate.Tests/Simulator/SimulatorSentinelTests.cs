using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>Sentinel handshakes, proof of work (checked with an independent solver), conduit tokens.</summary>
public sealed class SimulatorSentinelTests
{
    private const string Email = "bob@example.com";
    private const string Api = SimTestClient.Api;

    [Fact]
    public void The_test_solver_matches_the_documented_hashes()
    {
        // Vectors computed outside .NET from the algorithm text in docs/chatgpt-upstream.md.
        Assert.Equal("ab3e7c0b", TestPowSolver.Digest("", sha3: false));
        Assert.Equal("1cc93dbc", TestPowSolver.Digest("abc", sha3: false));
        Assert.Equal("57c97508", TestPowSolver.Digest("h\u00e9llo", sha3: false));
        Assert.StartsWith("b751850b1a57168a", TestPowSolver.Digest("abc", sha3: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Newest_handshake_with_an_fnv_proof_is_accepted()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        using var prepared = await client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements/prepare", bearer,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: true) });
        var challenge = await SimTestClient.JsonAsync(prepared);
        Assert.Equal("chatgpt-paid", challenge["persona"]!.GetValue<string>());
        Assert.True(challenge["proofofwork"]!["required"]!.GetValue<bool>());
        Assert.Equal("0fffff", challenge["proofofwork"]!["difficulty"]!.GetValue<string>());

        var proof = TestPowSolver.Solve(challenge["proofofwork"]!["seed"]!.GetValue<string>(), "0fffff", sha3: false, newest: true, invalidUnderOther: true);
        using var finalized = await client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements/finalize", bearer,
            new JsonObject { ["prepare_token"] = challenge["prepare_token"]!.GetValue<string>(), ["proofofwork"] = proof });
        var grant = await SimTestClient.JsonAsync(finalized);
        Assert.Equal(200, (int)finalized.StatusCode);
        Assert.Equal(540, grant["expire_after"]!.GetValue<long>());
        Assert.StartsWith("gAAAAAB", grant["token"]!.GetValue<string>(), StringComparison.Ordinal);

        var sentinel = new SentinelHeaders(grant["token"]!.GetValue<string>(), proof, await client.ConduitAsync(bearer));
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("hi"), sentinel, newest: true);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Finalize_refuses_a_wrong_proof_and_a_proof_made_with_the_other_hash_until_the_switch_changes()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        // A proof that meets the difficulty under neither hash, then one that only SHA3-512 accepts.
        var wrongProofs = new Func<string, string>[]
        {
            seed => TestPowSolver.Wrong(seed, "0fffff", newest: true),
            seed => TestPowSolver.Solve(seed, "0fffff", sha3: true, newest: true, invalidUnderOther: true),
        };
        foreach (var makeProof in wrongProofs)
        {
            var challenge = await Prepare(client, bearer);
            using var finalized = await Finalize(client, bearer, challenge, makeProof(challenge["proofofwork"]!["seed"]!.GetValue<string>()));
            Assert.Equal(403, (int)finalized.StatusCode);
            Assert.Equal("Invalid proof of work", (await SimTestClient.JsonAsync(finalized))["detail"]!.GetValue<string>());
        }

        sim.Options.NewestPowHash = PowHash.Sha3_512;
        var again = await Prepare(client, bearer);
        var sha3Proof = TestPowSolver.Solve(again["proofofwork"]!["seed"]!.GetValue<string>(), "0fffff", sha3: true, newest: true, invalidUnderOther: true);
        using var accepted = await Finalize(client, bearer, again, sha3Proof);
        Assert.Equal(200, (int)accepted.StatusCode);
    }

    [Fact]
    public async Task Legacy_conversation_checks_the_sha3_proof_against_the_issued_seed()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;

        var good = await client.LegacyHandshakeAsync(bearer);
        using var accepted = await client.PostConversationAsync(bearer, SimTestClient.Body("legacy"), good, newest: false);
        Assert.Equal(200, (int)accepted.StatusCode);

        using var response = await client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements", bearer,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: false) });
        var challenge = await SimTestClient.JsonAsync(response);
        var fnvProof = TestPowSolver.Solve(challenge["proofofwork"]!["seed"]!.GetValue<string>(), "0fffff", sha3: false, newest: false, invalidUnderOther: true);
        var bad = new SentinelHeaders(challenge["token"]!.GetValue<string>(), fnvProof, null);
        using var refused = await client.PostConversationAsync(bearer, SimTestClient.Body("legacy"), bad, newest: false);
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Equal("Invalid proof of work", (await SimTestClient.JsonAsync(refused))["detail"]!.GetValue<string>());

        // Another seed's proof is judged against this token's seed: refused, unless it happens to meet this seed's
        // difficulty too (one time in sixteen at "0fffff"), which the verifier must then accept.
        var seed = challenge["proofofwork"]!["seed"]!.GetValue<string>();
        Assert.True(TestPowSolver.Accepts(seed, fnvProof, "0fffff", sha3: false)); // the check below reads proofs right
        var meetsThisSeed = TestPowSolver.Accepts(seed, good.Proof!, "0fffff", sha3: true);
        using var stolen = await client.PostConversationAsync(bearer, SimTestClient.Body("legacy"), bad with { Proof = good.Proof }, newest: false);
        Assert.Equal(meetsThisSeed ? 200 : 403, (int)stolen.StatusCode);
    }

    [Fact]
    public async Task Sentinel_tokens_are_bound_to_their_account_and_expire()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bob = sim.AddAccount(Email).AccessToken;
        var eve = sim.AddAccount("eve@example.com").AccessToken;

        var bobs = await client.NewestHandshakeAsync(bob);
        var eves = await client.NewestHandshakeAsync(eve);
        using var borrowed = await client.PostConversationAsync(eve, SimTestClient.Body("x"), bobs with { Conduit = eves.Conduit }, newest: true);
        Assert.Equal(403, (int)borrowed.StatusCode);
        Assert.Equal("Invalid chat requirements token", (await SimTestClient.JsonAsync(borrowed))["detail"]!.GetValue<string>());

        using var missing = await client.PostConversationAsync(bob, SimTestClient.Body("x"), bobs with { RequirementsToken = "" }, newest: true);
        Assert.Equal(403, (int)missing.StatusCode);

        // With a zero lifetime everything the sentinel issues is dead on arrival: the prepare token at finalize,
        // the legacy token at the conversation POST.
        sim.Options.SentinelTokenLifetime = TimeSpan.Zero;
        var challenge = await Prepare(client, bob);
        var proof = TestPowSolver.Solve(challenge["proofofwork"]!["seed"]!.GetValue<string>(), "0fffff", sha3: false, newest: true);
        using var stalePrepare = await Finalize(client, bob, challenge, proof);
        Assert.Equal(403, (int)stalePrepare.StatusCode);
        Assert.Equal("Invalid prepare token", (await SimTestClient.JsonAsync(stalePrepare))["detail"]!.GetValue<string>());

        var expired = await client.LegacyHandshakeAsync(bob);
        using var late = await client.PostConversationAsync(bob, SimTestClient.Body("x"), expired, newest: false);
        Assert.Equal(403, (int)late.StatusCode);
    }

    [Fact]
    public async Task F_conversation_needs_an_unexpired_conduit_token_of_the_same_account()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bob = sim.AddAccount(Email).AccessToken;
        var eve = sim.AddAccount("eve@example.com").AccessToken;
        var sentinel = await client.NewestHandshakeAsync(bob);

        foreach (var conduit in new[] { "", await client.ConduitAsync(eve) })
        {
            using var refused = await client.PostConversationAsync(bob, SimTestClient.Body("x"), sentinel with { Conduit = conduit }, newest: true);
            Assert.Equal(403, (int)refused.StatusCode);
            Assert.Equal("Invalid conduit token", (await SimTestClient.JsonAsync(refused))["detail"]!.GetValue<string>());
        }

        sim.Options.ConduitTokenLifetime = TimeSpan.Zero;
        using var stale = await client.PostConversationAsync(bob, SimTestClient.Body("x"), sentinel with { Conduit = await client.ConduitAsync(bob) }, newest: true);
        Assert.Equal(403, (int)stale.StatusCode);

        using var unknownChain = await client.SendAsync(HttpMethod.Post, $"{Api}/f/conversation/prepare", bob,
            new JsonObject { ["action"] = "next" }, [("X-Conduit-Token", "not-a-conduit-token")]);
        Assert.Equal(403, (int)unknownChain.StatusCode);
    }

    [Fact]
    public async Task Without_proof_of_work_the_challenge_says_so_and_no_proof_is_needed()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { RequireProofOfWork = false });
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        var challenge = await Prepare(client, bearer);
        Assert.False(challenge["proofofwork"]!["required"]!.GetValue<bool>());

        var sentinel = await client.NewestHandshakeAsync(bearer);
        Assert.Null(sentinel.Proof);
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("x"), sentinel, newest: true);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_requirements_token_is_refused()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        foreach (var p in new[] { "", "gAAAAACnot-base64!", "gAAAAAC" + Convert.ToBase64String("{}"u8.ToArray()) })
        {
            using var response = await client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements", bearer, new JsonObject { ["p"] = p });
            Assert.Equal(403, (int)response.StatusCode);
        }

        Assert.Equal(3, sim.CallCount(SimEndpoints.ChatRequirements, Email));
    }

    [Fact]
    public async Task Anonymous_devices_chat_under_backend_anon_and_can_be_forced_to_log_in()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var device = Guid.NewGuid().ToString();

        using var prepared = await client.SendAsync(HttpMethod.Post, $"{SimTestClient.Anon}/sentinel/chat-requirements/prepare", null,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: true) }, [("Oai-Device-Id", device)]);
        Assert.Equal("chatgpt-noauth", (await SimTestClient.JsonAsync(prepared))["persona"]!.GetValue<string>());

        var sentinel = await client.NewestHandshakeAsync(null, SimTestClient.Anon, device);
        using var chat = await client.PostConversationAsync(null, SimTestClient.Body("anon"), sentinel, newest: true, SimTestClient.Anon, device);
        Assert.Equal(200, (int)chat.StatusCode);
        Assert.Equal(SimReplies.For("anon", 1), V1StreamDecoder.Decode(await SseReader.ReadAllAsync(chat)).Assistant["content"]!["parts"]![0]!.GetValue<string>());

        using var otherDevice = await client.PostConversationAsync(null, SimTestClient.Body("anon"), sentinel, newest: true, SimTestClient.Anon, Guid.NewGuid().ToString());
        Assert.Equal(403, (int)otherDevice.StatusCode);
        using var noDevice = await client.SendAsync(HttpMethod.Get, $"{SimTestClient.Anon}/models");
        Assert.Equal(401, (int)noDevice.StatusCode);

        var heldOver = await client.NewestHandshakeAsync(null, SimTestClient.Anon, device);
        sim.Options.AllowAnonymous = false;
        using var shut = await client.PostConversationAsync(null, SimTestClient.Body("anon"), heldOver, newest: true, SimTestClient.Anon, device);
        Assert.Equal(403, (int)shut.StatusCode);
        using var forced = await client.SendAsync(HttpMethod.Post, $"{SimTestClient.Anon}/sentinel/chat-requirements", null,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: false) }, [("Oai-Device-Id", device)]);
        var body = await SimTestClient.JsonAsync(forced);
        Assert.True(body["force_login"]!.GetValue<bool>());
        Assert.Null(body["token"]);
    }

    private static async Task<JsonObject> Prepare(SimTestClient client, string bearer)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements/prepare", bearer,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: true) });
        return await SimTestClient.JsonAsync(response);
    }

    private static Task<HttpResponseMessage> Finalize(SimTestClient client, string bearer, JsonObject challenge, string proof) =>
        client.SendAsync(HttpMethod.Post, $"{Api}/sentinel/chat-requirements/finalize", bearer,
            new JsonObject { ["prepare_token"] = challenge["prepare_token"]!.GetValue<string>(), ["proofofwork"] = proof });
}
