using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Responses;

/// <summary>
/// <c>/v1/responses</c> on the web path shares chat completions' dispatcher: an upstream failure before the first byte
/// moves the turn to another account, and a stream that breaks later ends with an error, never a clean completion.
/// Each test has its own gateway, since faults and cool-downs change the pool.
/// </summary>
public sealed class ResponsesFailoverTests
{
    public static TheoryData<SimFaultKind, int, bool> Faults => new()
    {
        // fault, status, streamed
        { SimFaultKind.Unauthorized, 401, false },
        { SimFaultKind.RateLimited, 429, true },
        { SimFaultKind.ServerError, 502, false },
        { SimFaultKind.ServerError, 500, true },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_upstream_failure_before_the_first_byte_moves_the_response_to_another_account(SimFaultKind kind, int status, bool stream)
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("broken@example.com");
        await app.AddPooledAccountAsync("healthy@example.com");
        app.Simulator.InjectFault("broken@example.com", new SimFault(kind, StatusCode: kind is SimFaultKind.ServerError ? status : 0, ClearsInSeconds: 60));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 3; i++)
        {
            var prompt = $"failover {i}";
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
            {
                Content = JsonContent.Create(new { model = "auto", input = prompt, stream }),
            }, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(SimReplies.For(prompt, 1), body, StringComparison.Ordinal);
        }

        Assert.Equal(3, app.Simulator.CallCount("f/conversation", "healthy@example.com"));
        Assert.True(app.Simulator.CallCount("f/conversation", "broken@example.com") >= 1, "the faulty account was never tried");
    }

    [Fact]
    public async Task When_the_only_account_is_capped_the_client_gets_the_upstream_429_in_OpenAI_shape()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("capped@example.com");
        app.Simulator.InjectFault("capped@example.com", new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 90));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/responses", new { model = "auto", input = "capped" });
        var error = (await response.JsonAsync())["error"]!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", error["type"]!.GetValue<string>());
        Assert.Equal("model_cap_exceeded", error["code"]!.GetValue<string>());
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 91);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(true, 2)]
    public async Task A_dropped_upstream_stream_is_an_error_never_a_completed_response(bool stream, int afterChunks)
    {
        await using var app = await GatewayApp.StartAsync(simulatorOptions: new SimulatorOptions { ReplyChunks = 6 });
        await app.AddPooledAccountAsync("dropping@example.com");
        app.Simulator.InjectFault("dropping@example.com", new SimFault(SimFaultKind.DropMidStream, AfterChunks: afterChunks));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = JsonContent.Create(new { model = "auto", input = "drop me", stream }),
        }, HttpCompletionOption.ResponseHeadersRead);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException)
        {
            body = "(connection aborted)";
        }

        Assert.DoesNotContain("response.completed", body, StringComparison.Ordinal);
        if (afterChunks == 0)
        {
            // Nothing had reached the client: an ordinary error response.
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("upstream_stream_broken", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(body.Contains("event: error", StringComparison.Ordinal) || body == "(connection aborted)", body);
        }
    }
}
