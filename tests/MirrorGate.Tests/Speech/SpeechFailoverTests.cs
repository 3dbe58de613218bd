using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Speech;

/// <summary>Speech fails over like chat: the helper conversation is retried on another account before any byte reaches the client.</summary>
public sealed class SpeechFailoverTests
{
    public static TheoryData<SimFault> Faults => new()
    {
        new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 300),
        new SimFault(SimFaultKind.ServerError, StatusCode: 503),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_429_or_5xx_on_the_helper_conversation_moves_speech_to_another_account(SimFault fault)
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("broken@example.com");
        await app.AddPooledAccountAsync("spare@example.com");
        app.Simulator.InjectFault("broken@example.com", fault);
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = $"failover {i}", voice = "alloy", response_format = "mp3" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("audio/mpeg", response.Content.Headers.ContentType!.MediaType);
        }

        Assert.Equal(0, app.Simulator.CallCount("synthesize", "broken@example.com"));
        Assert.Equal(3, app.Simulator.CallCount("synthesize", "spare@example.com"));
    }

    [Fact]
    public async Task A_401_renews_the_token_and_the_speech_still_succeeds()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("expired@example.com");
        app.Simulator.RevokeAccessTokens("expired@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "after a 401", voice = "alloy" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("synthesize", "expired@example.com"));
    }

    [Fact]
    public async Task A_helper_stream_that_drops_is_started_again_before_any_byte_reaches_the_client()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("dropper@example.com");
        app.Simulator.InjectFault("dropper@example.com", new SimFault(SimFaultKind.DropMidStream, Times: 1, AfterChunks: 1));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "dropped once", voice = "alloy" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, app.Simulator.CallCount("f/conversation", "dropper@example.com"));
        Assert.Equal(1, app.Simulator.CallCount("synthesize", "dropper@example.com"));
    }

    [Fact]
    public async Task When_every_account_is_capped_speech_answers_429_in_OpenAI_shape()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("capped@example.com");
        app.Simulator.InjectFault("capped@example.com", new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 120));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "capped", voice = "alloy" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", (await response.JsonAsync())["error"]!["type"]!.GetValue<string>());
    }
}
