using System.Diagnostics;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>Injected faults on the conversation POST, one kind at a time, and how they queue.</summary>
public sealed class SimulatorFaultTests
{
    private const string Email = "erin@example.com";

    [Fact]
    public async Task Faults_queue_in_order_and_are_used_up_by_times()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        sim.InjectFault(Email, new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 252, Times: 1));
        sim.InjectFault(Email, new SimFault(SimFaultKind.ServerError, StatusCode: 503, Times: 1));
        sim.InjectFault(Email, new SimFault(SimFaultKind.Unauthorized, Times: 1));

        using var limited = await Post(client, bearer, newest: true);
        Assert.Equal(429, (int)limited.StatusCode);
        var detail = (await SimTestClient.JsonAsync(limited))["detail"]!;
        Assert.Equal("model_cap_exceeded", detail["code"]!.GetValue<string>());
        Assert.Equal(252, detail["clears_in"]!.GetValue<int>());

        using var failed = await Post(client, bearer, newest: false);
        Assert.Equal(503, (int)failed.StatusCode);
        Assert.Equal("Internal server error", (await SimTestClient.JsonAsync(failed))["detail"]!.GetValue<string>());

        using var unauthorized = await Post(client, bearer, newest: true);
        Assert.Equal(401, (int)unauthorized.StatusCode);
        Assert.Equal("token_expired", (await SimTestClient.JsonAsync(unauthorized))["detail"]!["code"]!.GetValue<string>());

        using var fine = await Post(client, bearer, newest: true);
        Assert.Equal(200, (int)fine.StatusCode);
        Assert.Equal(200, (int)(await client.SendAsync(HttpMethod.Get, "/backend-api/me", bearer)).StatusCode);
    }

    [Fact]
    public async Task A_model_filtered_fault_only_hits_that_model_and_stays_until_cleared()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        sim.InjectFault(Email, new SimFault(SimFaultKind.ServerError, Model: "gpt-4o"));

        using var other = await Post(client, bearer, newest: true, model: "auto");
        Assert.Equal(200, (int)other.StatusCode);
        for (var i = 0; i < 2; i++)
        {
            using var hit = await Post(client, bearer, newest: true, model: "gpt-4o");
            Assert.Equal(500, (int)hit.StatusCode);
        }

        sim.ClearFaults(Email);
        using var cleared = await Post(client, bearer, newest: true, model: "gpt-4o");
        Assert.Equal(200, (int)cleared.StatusCode);
    }

    [Fact]
    public async Task Faults_of_one_account_leave_another_alone()
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        sim.AddAccount(Email);
        var other = sim.AddAccount("frank@example.com").AccessToken;
        sim.InjectFault(Email, new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 60));
        using var response = await Post(client, other, newest: true);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_slow_stream_waits_before_each_text_chunk()
    {
        await using var sim = await UpstreamSimulator.StartAsync(new SimulatorOptions { ReplyChunks = 4 });
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        sim.InjectFault(Email, new SimFault(SimFaultKind.SlowStream, ChunkDelay: TimeSpan.FromMilliseconds(150), Times: 1));

        var sentinel = await client.NewestHandshakeAsync(bearer);
        var watch = Stopwatch.StartNew();
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("slowly"), sentinel, newest: true);
        var decoded = V1StreamDecoder.Decode(await SseReader.ReadAllAsync(response));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(550), $"took {watch.Elapsed}");
        Assert.Equal(SimReplies.For("slowly", 1), decoded.Assistant["content"]!["parts"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    public async Task A_dropped_stream_breaks_after_the_given_chunks_without_done(bool newest, int afterChunks)
    {
        await using var sim = await UpstreamSimulator.StartAsync();
        using var client = new SimTestClient(sim);
        var bearer = sim.AddAccount(Email).AccessToken;
        sim.InjectFault(Email, new SimFault(SimFaultKind.DropMidStream, AfterChunks: afterChunks, Times: 1));

        var sentinel = newest ? await client.NewestHandshakeAsync(bearer) : await client.LegacyHandshakeAsync(bearer);
        using var response = await client.PostConversationAsync(bearer, SimTestClient.Body("cut me off"), sentinel, newest);
        Assert.Equal(200, (int)response.StatusCode);
        var (events, error) = await SseReader.ReadUntilErrorAsync(response);
        Assert.NotNull(error);
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        var chunks = SimReplies.Chunks(SimReplies.For("cut me off", 1), 5);
        if (newest)
        {
            var decoded = V1StreamDecoder.Decode(events);
            Assert.Equal(chunks.Take(afterChunks), decoded.TextDeltas);
            Assert.Equal("in_progress", decoded.Assistant["status"]!.GetValue<string>());
        }
        else
        {
            var assistantEvents = events.Skip(1).ToList(); // the user echo comes first
            Assert.Equal(afterChunks, assistantEvents.Count);
            Assert.Equal(string.Concat(chunks.Take(afterChunks)), System.Text.Json.Nodes.JsonNode.Parse(assistantEvents[^1].Data)!["message"]!["content"]!["parts"]![0]!.GetValue<string>());
        }
    }

    private static async Task<HttpResponseMessage> Post(SimTestClient client, string bearer, bool newest, string model = "auto")
    {
        var sentinel = newest ? await client.NewestHandshakeAsync(bearer) : await client.LegacyHandshakeAsync(bearer);
        var response = await client.PostConversationAsync(bearer, SimTestClient.Body("fault?", model: model), sentinel, newest);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
