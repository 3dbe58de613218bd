using System.Net;
using MirrorGate.Api.Voice;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Voice;

/// <summary>chatgpt-gateway's <c>GET /api/livekit</c>: a voice session through the upstream, the WebRTC host swapped for <c>VOICE_PROXY_URL</c>.</summary>
public sealed class LivekitTests
{
    [Fact]
    public async Task The_pool_gets_a_voice_session_from_the_upstream_with_the_WebRTC_host_as_given()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("voice@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.GetAsync("/api/livekit");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("wss://webrtc.chatgpt.com", body["url"]!.GetValue<string>());
        Assert.StartsWith("lk-", body["token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(body["e2ee_key"]!.GetValue<string>()));
        Assert.Equal(1, app.Simulator.CallCount("voice/get_token", "voice@example.com"));
    }

    [Fact]
    public async Task VOICE_PROXY_URL_replaces_the_host_and_MIRROR_API_PREFIX_moves_the_route()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["VOICE_PROXY_URL"] = "https://voice.example.net:8443", ["MIRROR_API_PREFIX"] = "secret" });
        var account = await app.AddPooledAccountAsync("proxied-voice@example.com");
        using var client = app.CreateClient(account.AccessToken);
        using var pool = app.CreateClient(GatewayApp.ServiceKey);

        using var prefixed = await pool.GetAsync("/secret/api/livekit");
        using var plain = await pool.GetAsync("/api/livekit");

        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Equal("wss://voice.example.net:8443", (await prefixed.JsonAsync())["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
    }

    [Theory]
    [InlineData("wss://webrtc.chatgpt.com", "voice.example.net", "wss://voice.example.net")]
    [InlineData("wss://webrtc.chatgpt.com/rtc?x=1", "voice.example.net:444", "wss://voice.example.net:444/rtc?x=1")]
    [InlineData("https://webrtc.chatgpt.com/", "voice.example.net", "https://voice.example.net/")]
    [InlineData("not a url", "voice.example.net", "not a url")]
    [InlineData("wss://webrtc.chatgpt.com", null, "wss://webrtc.chatgpt.com")]
    public void The_proxy_host_replaces_only_the_host(string url, string? authority, string expected) =>
        Assert.Equal(expected, VoiceApi.WithProxyHost(url, authority));

    [Fact]
    public async Task Device_ids_missing_bearers_and_a_closed_mirror_API_are_refused_in_the_admin_shape()
    {
        await using var app = await GatewayApp.StartAsync();
        await using var closed = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ENABLE_MIRROR_API"] = "false" });
        using var device = app.CreateClient(GatewayApp.ServiceKey + " " + Guid.NewGuid());
        using var nobody = app.CreateClient();
        using var shut = closed.CreateClient(GatewayApp.ServiceKey);

        using var free = await device.GetAsync("/api/livekit");
        using var missing = await nobody.GetAsync("/api/livekit");
        using var off = await shut.GetAsync("/api/livekit");
        using var empty = await app.CreateClient(GatewayApp.ServiceKey).GetAsync("/api/livekit");

        Assert.Equal(HttpStatusCode.Forbidden, free.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, off.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);
        foreach (var response in new[] { free, missing, off, empty })
        {
            Assert.False(string.IsNullOrEmpty((await response.JsonAsync())["message"]!.GetValue<string>()));
        }

        Assert.Equal(0, app.Simulator.CallCount("voice/get_token"));
    }

    [Fact]
    public async Task An_upstream_401_on_a_callers_own_token_comes_back_as_401()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount("own-voice@example.com");
        var token = account.AccessToken;
        app.Simulator.RevokeAccessTokens(account.Email);
        using var client = app.CreateClient(GatewayApp.ServiceKey + " " + token);

        using var response = await client.GetAsync("/api/livekit");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["message"]);
    }
}
