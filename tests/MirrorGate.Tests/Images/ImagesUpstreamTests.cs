using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Files;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Images;

/// <summary>
/// Images whose upstream misbehaves: shown only when the conversation is polled, never shown, an account that fails
/// before the first byte (moved to another), a stream that drops (started again), and the signed link's expiry.
/// </summary>
public sealed class ImagesUpstreamTests
{
    [Fact]
    public async Task An_image_that_appears_only_when_the_conversation_is_polled_is_found_by_polling_in_both_formats()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings(), new SimulatorOptions { ImageReadyAfterReads = 3 });
        await app.AddPooledAccountAsync("poller@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var b64 = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Polled owl" });
        Assert.Equal(HttpStatusCode.OK, b64.StatusCode);
        Assert.Equal("Polled owl", ImagesTests.PromptOf(Convert.FromBase64String((await b64.JsonAsync())["data"]![0]!["b64_json"]!.GetValue<string>())));
        Assert.Equal(3, app.Simulator.CallCount("conversation/get", "poller@example.com"));

        using var url = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Polled link", response_format = "url" });
        Assert.Equal(HttpStatusCode.OK, url.StatusCode);
        Assert.Equal("Polled link", ImagesTests.PromptOf(await client.GetByteArrayAsync((await url.JsonAsync())["data"]![0]!["url"]!.GetValue<string>())));
        Assert.Equal(6, app.Simulator.CallCount("conversation/get", "poller@example.com"));
    }

    [Fact]
    public async Task An_image_that_never_appears_ends_the_bounded_wait_with_a_504()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings(new() { ["Images:PollTimeout"] = "00:00:00.300" }), new SimulatorOptions { ImageReadyAfterReads = 1_000_000 });
        await app.AddPooledAccountAsync("waiter@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Never" });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("image_timeout", (await response.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.InRange(app.Simulator.CallCount("conversation/get", "waiter@example.com"), 2, 20);
    }

    public static TheoryData<SimFault> Faults => new()
    {
        new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 300),
        new SimFault(SimFaultKind.ServerError, StatusCode: 503),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_429_or_5xx_before_the_first_byte_moves_the_image_to_another_account(SimFault fault)
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("broken@example.com");
        await app.AddPooledAccountAsync("spare@example.com");
        app.Simulator.InjectFault("broken@example.com", fault);
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = $"failover {i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, app.Simulator.CallCount("files/download", "broken@example.com"));
        Assert.Equal(3, app.Simulator.CallCount("files/download", "spare@example.com"));
    }

    [Fact]
    public async Task A_401_renews_the_token_and_a_stream_that_drops_before_naming_the_image_is_started_again()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings(), new SimulatorOptions { ImageReadyAfterReads = 1 });
        await app.AddPooledAccountAsync("flaky@example.com");
        app.Simulator.RevokeAccessTokens("flaky@example.com");
        app.Simulator.InjectFault("flaky@example.com", new SimFault(SimFaultKind.DropMidStream, Times: 1, AfterChunks: 1));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Survivor" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Survivor", ImagesTests.PromptOf(Convert.FromBase64String((await response.JsonAsync())["data"]![0]!["b64_json"]!.GetValue<string>())));
        Assert.Equal(2, app.Simulator.CallCount("f/conversation", "flaky@example.com"));
    }

    [Fact]
    public async Task A_stream_that_drops_after_naming_the_image_still_delivers_it_without_a_second_conversation()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("named@example.com");
        app.Simulator.InjectFault("named@example.com", new SimFault(SimFaultKind.DropMidStream, Times: 1, AfterChunks: 1));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Named first" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Named first", ImagesTests.PromptOf(Convert.FromBase64String((await response.JsonAsync())["data"]![0]!["b64_json"]!.GetValue<string>())));
        Assert.Equal(1, app.Simulator.CallCount("f/conversation", "named@example.com"));
    }

    [Fact]
    public async Task When_every_account_fails_the_client_gets_an_OpenAI_error_with_the_upstream_status()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("capped@example.com");
        app.Simulator.InjectFault("capped@example.com", new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 120));
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Capped" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_link_works_until_its_lifetime_is_over_then_answers_403()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings(new() { ["Images:LinkLifetime"] = "00:30:00" }), time: clock);
        await app.AddPooledAccountAsync("linker@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Short lived", response_format = "url" });
        var url = (await response.JsonAsync())["data"]![0]!["url"]!.GetValue<string>();
        using var anonymous = app.CreateClient();

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal("Short lived", ImagesTests.PromptOf(await anonymous.GetByteArrayAsync(url)));

        clock.Advance(TimeSpan.FromMinutes(1));
        using var expired = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("link_expired", (await expired.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }
}
