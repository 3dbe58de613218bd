using System.Net;
using System.Net.Http.Json;
using System.Text;
using MirrorGate.Grains.Tokens;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Api;

/// <summary>
/// The admin set served under <c>/{MIRROR_API_PREFIX}/api</c> answers errors in the admin shape <c>{"message"}</c>
/// (issue 7, item 6, third bug): the shape follows the endpoint, not the path prefix the mirror API shares.
/// </summary>
public sealed class PrefixedAdminErrorShapeTests
{
    private static Dictionary<string, string?> Prefixed => new() { ["MIRROR_API_PREFIX"] = "secret" };

    // chatgpt-gateway's admin UI shows `message` of any non-200 answer; an OpenAI `error` object shows it nothing.
    [Theory]
    [InlineData("/secret/api/login", "{\"user_name\":", HttpStatusCode.BadRequest)]
    [InlineData("/secret/api/login", "[1, 2]", HttpStatusCode.BadRequest)]
    [InlineData("/secret/api/get-mirror-token", "{\"user_name\":\"u\",\"chatgpt_list\":\"not-a-list\"}", HttpStatusCode.BadRequest)]
    [InlineData("/secret/api/logout", "{}", HttpStatusCode.BadRequest)]
    public async Task Bad_input_under_the_prefixed_admin_set_is_answered_with_a_message_and_no_error_object(string path, string json, HttpStatusCode status)
    {
        await using var app = await GatewayApp.StartAsync(Prefixed);
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var response = await admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.JsonAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(body["message"]?.GetValue<string>()), body.ToJsonString());
        Assert.Null(body["error"]);
        Assert.Null(body["detail"]);
    }

    // The same request to the unprefixed set, and a wrong password under the prefix, answer in the same shape.
    [Fact]
    public async Task The_prefixed_and_unprefixed_admin_sets_answer_alike_while_the_prefixed_mirror_api_keeps_the_openai_shape()
    {
        await using var app = await GatewayApp.StartAsync(Prefixed);
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var intruder = app.CreateClient("wrong-password");

        using var plain = await admin.PostAsync("/api/login", new StringContent("{nope", Encoding.UTF8, "application/json"));
        using var prefixed = await admin.PostAsync("/secret/api/login", new StringContent("{nope", Encoding.UTF8, "application/json"));
        using var refused = await intruder.PostAsync("/secret/api/login", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var mirror = await app.CreateClient(GatewayApp.ServiceKey).PostAsync("/secret/v1/chat/completions", new StringContent("{nope", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, prefixed.StatusCode);
        Assert.Equal((await plain.JsonAsync()).ToJsonString(), (await prefixed.JsonAsync()).ToJsonString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var refusal = await refused.JsonAsync();
        Assert.NotNull(refusal["message"]);
        Assert.Null(refusal["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, mirror.StatusCode);
        var mirrorBody = await mirror.JsonAsync();
        Assert.Equal("invalid_request_error", mirrorBody["error"]!["type"]!.GetValue<string>());
        Assert.Null(mirrorBody["message"]);
    }

    // The last-resort handler (an exception no handler expected) must shape by endpoint too, not by "/api/" at the path's start.
    [Fact]
    public async Task An_unexpected_failure_under_the_prefixed_admin_set_is_answered_with_a_message()
    {
        await using var app = await GatewayApp.StartAsync(Prefixed, services: s => s.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, new BrokenStorage()));
        var token = app.Services.GetRequiredService<UserTokens>().Issue();

        using var admin = await app.CreateClient(GatewayApp.AdminPassword).PostAsJsonAsync("/secret/api/logout", new { user_name = "someone" });
        using var mirror = await app.CreateClient(token).ChatAsync("x", path: "/secret/v1/chat/completions");

        Assert.Equal(HttpStatusCode.InternalServerError, admin.StatusCode);
        var adminBody = await admin.JsonAsync();
        Assert.False(string.IsNullOrWhiteSpace(adminBody["message"]?.GetValue<string>()), adminBody.ToJsonString());
        Assert.Null(adminBody["error"]);
        Assert.Equal(HttpStatusCode.InternalServerError, mirror.StatusCode);
        Assert.Equal("internal_error", (await mirror.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    /// <summary>Storage that fails in a way nobody planned for.</summary>
    private sealed class BrokenStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");
    }
}
