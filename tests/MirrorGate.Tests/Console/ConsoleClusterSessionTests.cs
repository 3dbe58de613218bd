using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>Sessions that must hold across nodes, and the sign-in limit: gateways of their own.</summary>
public sealed class ConsoleClusterSessionTests
{
    [Fact]
    public async Task A_session_signed_by_one_node_is_valid_on_another_with_the_same_secrets_key_and_not_on_one_with_another()
    {
        await using var first = await GatewayApp.StartAsync(ConsoleTestSettings.Gateway());
        await using var second = await GatewayApp.StartAsync(ConsoleTestSettings.Gateway());
        var otherKey = ConsoleTestSettings.Gateway();
        otherKey["Secrets:Key"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        await using var foreign = await GatewayApp.StartAsync(otherKey);

        using var session = await ConsoleHttp.SignInAsync(first);
        using var onSecond = new ConsoleHttp(second.CreateClient(), session.Cookie, session.CsrfToken);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.SendAsync(HttpMethod.Get, "/api/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await onSecond.SendAsync(HttpMethod.Post, "/api/channels", new { name = "n2", base_url = "http://127.0.0.1:9/v1", keys = new[] { "sk-n2-0000" }, models = new[] { "m" } })).StatusCode);

        using var onForeign = new ConsoleHttp(foreign.CreateClient(), session.Cookie, session.CsrfToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onForeign.SendAsync(HttpMethod.Get, "/api/cluster")).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_are_bounded_per_minute_and_then_even_the_right_password_waits()
    {
        await using var gateway = await GatewayApp.StartAsync(ConsoleTestSettings.Gateway(signInAttemptsPerMinute: 2));
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/console/session", new { password = "a" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/console/session", new { password = "b" })).StatusCode);
        var limited = await client.PostAsJsonAsync("/console/session", new { password = GatewayApp.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many failed sign-ins", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
