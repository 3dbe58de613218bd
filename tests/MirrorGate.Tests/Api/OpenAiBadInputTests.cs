using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>
/// <c>POST /v1/chat/completions</c> refuses bad input and bad keys in OpenAI's error shape
/// (<c>{"error":{"message","type","param","code"}}</c>) with the right status, and nothing reaches the
/// upstream.
/// </summary>
public sealed class OpenAiBadInputTests
{
    private const string UserMessages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /// <summary>Per group: a body, the status, the <c>param</c> and the <c>code</c> it must be answered with.</summary>
    private static readonly Dictionary<string, BadBody[]> BadBodies = new()
    {
        ["body"] =
        [
            new("{\"model\":\"auto\",\"messages\":", 400, null, "invalid_json"),
            new("[{\"model\":\"auto\"," + UserMessages + "}]", 400, null, "invalid_json"),
            new("\"auto\"", 400, null, "invalid_json"),
            new("null", 400, null, "invalid_json"),
            new("", 400, null, "invalid_json"),
            new("\uFEFF", 400, null, "invalid_json"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"role\":\"system\"}]}", 400, null, "invalid_json"),
            new("{\"model\":\"auto\",\"messages\":" + new string('[', 100) + new string(']', 100) + "}", 400, null, "invalid_json"),
            new("{\"model\":\"auto\",\"model\":\"gpt-4o\"," + UserMessages + "}", 400, null, "invalid_json"),
        ],
        ["model"] =
        [
            new("{" + UserMessages + "}", 400, "model", "invalid_request_error"),
            new("{\"model\":null," + UserMessages + "}", 400, "model", "invalid_request_error"),
            new("{\"model\":4," + UserMessages + "}", 400, "model", "invalid_request_error"),
            new("{\"model\":[\"auto\"]," + UserMessages + "}", 400, "model", "invalid_request_error"),
            new("{\"model\":\"\"," + UserMessages + "}", 400, "model", "invalid_request_error"),
            new("{\"model\":\"gpt-17-ultra\"," + UserMessages + "}", 404, "model", "model_not_found"),
        ],
        ["messages"] =
        [
            new("{\"model\":\"auto\"}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":null}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[]}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":\"hi\"}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":{\"role\":\"user\",\"content\":\"hi\"}}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"}]}", 400, "messages", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"assistant\",\"content\":\"hello\"}]}", 400, "messages", "invalid_request_error"),
        ],
        ["message"] =
        [
            new("{\"model\":\"auto\",\"messages\":[\"hi\"]}", 400, "messages[0]", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[null]}", 400, "messages[0]", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},5]}", 400, "messages[1]", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"content\":\"hi\"}]}", 400, "messages[0].role", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":5,\"content\":\"hi\"}]}", 400, "messages[0].role", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\"}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":null}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":null},{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[]}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":true}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[\"hi\"]}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}", 400, "messages[0].content", "invalid_request_error"),
            new("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}}]}]}", 400, "messages[0].content", "invalid_request_error"),
        ],
        ["options"] =
        [
            new("{\"model\":\"auto\"," + UserMessages + ",\"stream\":\"yes\"}", 400, "stream", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"stream\":1}", 400, "stream", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"stream\":true,\"stream_options\":\"usage\"}", 400, "stream_options", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"stream\":true,\"stream_options\":[true]}", 400, "stream_options", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}", 400, "stream_options.include_usage", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"hatd\":\"true\"}", 400, "hatd", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"hatd\":0}", 400, "hatd", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"conversation_id\":5}", 400, "conversation_id", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"conversation_id\":[\"a\"]}", 400, "conversation_id", "invalid_request_error"),
            new("{\"model\":\"auto\"," + UserMessages + ",\"parent_message_id\":{}}", 400, "parent_message_id", "invalid_request_error"),
        ],
    };

    [Theory]
    [InlineData("body")]
    [InlineData("model")]
    [InlineData("messages")]
    [InlineData("message")]
    [InlineData("options")]
    public async Task Bad_input_is_refused_in_openai_error_shape_and_nothing_reaches_the_upstream(string group)
    {
        await using var app = await StartWithAccountAsync();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        foreach (var bad in BadBodies[group])
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(bad.Body, Encoding.UTF8, "application/json"));

            await AssertOpenAiErrorAsync(response, bad.Status, bad.Param, bad.Code, bad.Body);
        }

        AssertNothingReachedUpstream(app);
    }

    [Fact]
    public async Task The_same_gateway_serves_a_good_request_so_the_upstream_check_can_fail()
    {
        await using var app = await StartWithAccountAsync();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        // An assistant turn that only carried tool calls has no content; that alone is not bad input.
        var body = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":null},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}";
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SimReplies.For("hi", 2), await response.ContentAsync());
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation));
        Assert.NotEqual(0, UpstreamCalls(app));
    }

    [Fact]
    public async Task A_body_that_starts_with_a_utf8_byte_order_mark_is_served()
    {
        await using var app = await StartWithAccountAsync();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("\uFEFF{\"model\":\"auto\"," + UserMessages + "}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SimReplies.For("hi", 1), await response.ContentAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_oversize_body_is_413_whether_its_length_is_declared_or_not(bool declaredLength)
    {
        await using var app = await StartWithAccountAsync(new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "1024" });
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var body = Encoding.UTF8.GetBytes("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 4096) + "\"}]}");
        HttpContent content = declaredLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/v1/chat/completions", content);

        await AssertOpenAiErrorAsync(response, 413, null, "request_too_large", $"declared length: {declaredLength}");
        AssertNothingReachedUpstream(app);

        // A body just under the limit still gets through.
        using var small = await client.ChatAsync("small enough");
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Missing_wrong_or_bare_upstream_keys_are_401_while_a_service_key_is_configured()
    {
        await using var app = await StartWithAccountAsync();
        var accessToken = app.Simulator.GetAccount("bad-input@example.com").AccessToken;
        var refused = new Dictionary<string, string?>
        {
            ["no Authorization"] = null,
            ["empty bearer"] = "Bearer ",
            ["wrong key"] = "Bearer not-the-service-key",
            ["key with a suffix"] = "Bearer " + GatewayApp.ServiceKey + "x",
            ["key in another scheme"] = "Basic " + GatewayApp.ServiceKey,
            ["raw access token without the key"] = "Bearer " + accessToken,
            ["raw refresh token without the key"] = "Bearer " + app.Simulator.GetAccount("bad-input@example.com").RefreshToken,
            ["unknown mirror token"] = "Bearer mg-not-issued-by-this-gateway",
        };

        foreach (var (name, authorization) in refused)
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("{\"model\":\"auto\"," + UserMessages + "}", Encoding.UTF8, "application/json") };
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);

            await AssertOpenAiErrorAsync(response, 401, null, "invalid_api_key", name);
        }

        AssertNothingReachedUpstream(app);

        // The same access token behind the service key is the caller's own upstream credential.
        using var keyed = app.CreateClient(GatewayApp.ServiceKey + " " + accessToken);
        using var served = await keyed.ChatAsync("behind the key");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation, "bad-input@example.com"));
    }

    [Fact]
    public async Task A_bad_key_is_refused_before_the_body_is_judged()
    {
        await using var app = await StartWithAccountAsync();
        using var client = app.CreateClient("not-the-service-key");

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));

        await AssertOpenAiErrorAsync(response, 401, null, "invalid_api_key", "bad key and bad body");
        AssertNothingReachedUpstream(app);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_under_v1_answer_in_openai_shape()
    {
        await using var app = await StartWithAccountAsync();
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        foreach (var (method, path) in new[] { ("GET", "/v1/chat/completions"), ("POST", "/v1/images/edits"), ("DELETE", "/v1/models"), ("POST", "/v1/chat/completions/extra") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);

            await AssertOpenAiErrorAsync(response, 404, null, null, $"{method} {path}");
        }

        // The key is still checked first: an unknown path tells a caller without one nothing.
        using var anonymous = await app.CreateClient().PostAsync("/v1/images/edits", new StringContent("{}", Encoding.UTF8, "application/json"));
        await AssertOpenAiErrorAsync(anonymous, 401, null, "invalid_api_key", "POST /v1/images/edits without a key");
        AssertNothingReachedUpstream(app);
    }

    private static async Task<GatewayApp> StartWithAccountAsync(IDictionary<string, string?>? settings = null)
    {
        var app = await GatewayApp.StartAsync(settings);
        await app.AddPooledAccountAsync("bad-input@example.com");
        app.Simulator.ResetCallCounts();
        return app;
    }

    /// <summary>Exactly <c>{"error":{"message","type","param","code"}}</c>, with the status, param and code expected.</summary>
    private static async Task AssertOpenAiErrorAsync(HttpResponseMessage response, int status, string? param, string? code, string context)
    {
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{context} -> {(int)response.StatusCode} {text}";
        Assert.True((int)response.StatusCode == status, $"expected {status}: {what}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", what);
        var body = JsonNode.Parse(text) as JsonObject;
        Assert.True(body is { Count: 1 } && body["error"] is JsonObject, $"expected {{\"error\": {{…}}}}: {what}");
        var error = body!["error"]!.AsObject();
        Assert.True(error.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(["code", "message", "param", "type"], StringComparer.Ordinal), $"fields: {what}");
        Assert.True(error["message"]?.GetValueKind() == JsonValueKind.String && error["message"]!.GetValue<string>().Length > 0, $"message: {what}");
        Assert.True(error["type"]?.GetValue<string>() == "invalid_request_error", $"type: {what}");
        Assert.True(error["param"]?.GetValue<string>() == param, $"expected param {param ?? "null"}: {what}");
        Assert.True(error["code"]?.GetValue<string>() == code, $"expected code {code ?? "null"}: {what}");
    }

    private static void AssertNothingReachedUpstream(GatewayApp app) => Assert.Equal(0, UpstreamCalls(app));

    /// <summary>Calls of every endpoint the simulator counts.</summary>
    private static int UpstreamCalls(GatewayApp app) =>
        typeof(SimEndpoints).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Sum(f => app.Simulator.CallCount((string)f.GetRawConstantValue()!));

    private sealed record BadBody(string Body, int Status, string? Param, string Code);

    /// <summary>A body sent chunked: no <c>Content-Length</c>, so only counting the bytes can catch it.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
