using System.Net;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class ChatGptClientFailureTests
{
    [Fact]
    public async Task Expired_bearer_at_the_sentinel_is_unauthorized_with_its_code()
    {
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.Unauthorized,
            """{"detail":{"code":"token_expired","message":"Your authentication token has expired. Please try refreshing it."}}"""));

        var result = await Start(harness);

        Assert.Equal(
            new UpstreamFailure(UpstreamFailureKind.Unauthorized, 401, "Your authentication token has expired. Please try refreshing it.", "token_expired"),
            result.Failure);
        Assert.Single(harness.Handler.Requests);    // nothing after a failed sentinel
    }

    [Fact]
    public async Task Usage_cap_on_the_conversation_is_rate_limited_with_clears_in()
    {
        var harness = new ClientHarness(r => r.Path.EndsWith("/f/conversation", StringComparison.Ordinal)
            ? StubHttpHandler.Json(HttpStatusCode.TooManyRequests,
                """{"detail":{"code":"model_cap_exceeded","clears_in":252,"message":"You have sent too many messages to the model. Please try again later."}}""")
            : ChatGptClientConversationTests.NewestUpstream(r));

        var result = await Start(harness);

        Assert.Equal(UpstreamFailureKind.RateLimited, result.Failure!.Kind);
        Assert.Equal(429, result.Failure.StatusCode);
        Assert.Equal("model_cap_exceeded", result.Failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(252), result.Failure.ClearsIn);
        Assert.Equal(4, harness.Handler.Requests.Count);
    }

    [Fact]
    public async Task A_non_json_429_falls_back_to_retry_after()
    {
        var harness = new ClientHarness(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("slow down") };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
            return response;
        });

        var result = await harness.Client.ListModelsAsync(ClientHarness.LoggedIn(), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.RateLimited, result.Failure!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Failure.ClearsIn);
        Assert.Equal("slow down", result.Failure.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, """{"detail":"Internal server error"}""", UpstreamFailureKind.ServerError, "Internal server error")]
    [InlineData(HttpStatusCode.BadGateway, "", UpstreamFailureKind.ServerError, "Bad Gateway")]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"detail":"Invalid conversation body"}""", UpstreamFailureKind.BadRequest, "Invalid conversation body")]
    [InlineData(HttpStatusCode.BadRequest, """{"detail":"bad"}""", UpstreamFailureKind.BadRequest, "bad")]
    [InlineData(HttpStatusCode.NotFound, """{"detail":"Can't load conversation c-1"}""", UpstreamFailureKind.NotFound, "Can't load conversation c-1")]
    [InlineData(HttpStatusCode.Forbidden, """{"detail":"Invalid proof of work"}""", UpstreamFailureKind.Forbidden, "Invalid proof of work")]
    [InlineData(HttpStatusCode.Found, "", UpstreamFailureKind.Protocol, "Found")]
    public async Task Statuses_map_to_failure_kinds(HttpStatusCode status, string body, UpstreamFailureKind kind, string message)
    {
        var harness = new ClientHarness(r => r.Path.EndsWith("/f/conversation", StringComparison.Ordinal)
            ? new HttpResponseMessage(status) { Content = new StringContent(body) }
            : ChatGptClientConversationTests.NewestUpstream(r));

        var result = await Start(harness);

        Assert.Equal(new UpstreamFailure(kind, (int)status, message), result.Failure);
    }

    [Fact]
    public async Task A_cloudflare_page_is_forbidden_with_a_code()
    {
        var harness = new ClientHarness(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<html><title>Just a moment...</title><div id=\"cf-please-wait\"></div></html>"),
        });

        var result = await Start(harness);

        Assert.Equal(UpstreamFailureKind.Forbidden, result.Failure!.Kind);
        Assert.Equal("cloudflare_challenge", result.Failure.Code);
    }

    [Fact]
    public async Task No_response_is_a_network_failure()
    {
        var harness = new ClientHarness(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        var result = await Start(harness);

        Assert.Equal(UpstreamFailureKind.Network, result.Failure!.Kind);
        Assert.Null(result.Failure.StatusCode);
        Assert.Contains("ConnectionError", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_timeout_is_a_network_failure_but_caller_cancellation_throws()
    {
        var harness = new ClientHarness(_ => throw new TaskCanceledException("timed out"), o => o.RequestTimeout = TimeSpan.FromMilliseconds(50));

        var timedOut = await harness.Client.ListModelsAsync(ClientHarness.LoggedIn(), CancellationToken.None);
        Assert.Equal(UpstreamFailureKind.Network, timedOut.Failure!.Kind);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => harness.Client.ListModelsAsync(ClientHarness.LoggedIn(), cancelled.Token));
    }

    [Fact]
    public async Task A_silent_upstream_times_out_after_the_request_timeout()
    {
        var harness = new ClientHarness(ChatGptClientConversationTests.NewestUpstream, o => o.RequestTimeout = TimeSpan.FromMilliseconds(100));
        harness.Handler.Delay = ct => Task.Delay(Timeout.Infinite, ct);

        var result = await Start(harness);

        Assert.Equal(UpstreamFailureKind.Network, result.Failure!.Kind);
        Assert.Contains("0.1 s", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unparseable_success_body_is_a_protocol_failure()
    {
        var harness = new ClientHarness(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>") });

        var result = await harness.Client.ListModelsAsync(ClientHarness.LoggedIn(), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Protocol, result.Failure!.Kind);
        Assert.Equal(200, result.Failure.StatusCode);
    }

    [Theory]
    [InlineData(false, UpstreamFailureKind.Unauthorized)]
    [InlineData(true, UpstreamFailureKind.Forbidden)]
    public async Task Force_login_stops_before_the_conversation(bool anonymous, UpstreamFailureKind kind)
    {
        var harness = new ClientHarness(_ => StubHttpHandler.Json(HttpStatusCode.OK, """{"persona":"chatgpt-noauth","force_login":true}"""));
        var credential = anonymous ? ClientHarness.Anonymous() : ClientHarness.LoggedIn();

        var result = await harness.Client.StartConversationAsync(credential, ChatGptClientConversationTests.ConversationBody(), CancellationToken.None);

        Assert.Equal(kind, result.Failure!.Kind);
        Assert.Equal("force_login", result.Failure.Code);
        Assert.Single(harness.Handler.Requests);
    }

    [Theory]
    [InlineData("application/json", """{"wss_url":"wss://x","conversation_id":"c"}""")]
    [InlineData("text/html", "<html>Just a moment</html>")]
    public async Task A_conversation_answer_that_is_not_an_event_stream_is_a_protocol_failure(string mediaType, string body)
    {
        var harness = new ClientHarness(r => r.Path.EndsWith("/f/conversation", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType) }
            : ChatGptClientConversationTests.NewestUpstream(r));

        var result = await Start(harness);

        Assert.Equal(UpstreamFailureKind.Protocol, result.Failure!.Kind);
    }

    private static Task<UpstreamResult<ConversationStream>> Start(ClientHarness harness) =>
        harness.Client.StartConversationAsync(ClientHarness.LoggedIn(), ChatGptClientConversationTests.ConversationBody(), CancellationToken.None);
}
