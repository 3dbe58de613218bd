using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class ChatGptClientConversationTests
{
    private const string Seed = "0.53981";

    [Fact]
    public async Task Newest_flow_runs_sentinel_finalize_prepare_then_conversation_with_the_right_headers()
    {
        var harness = new ClientHarness(NewestUpstream);
        var body = ConversationBody();

        var started = await harness.Client.StartConversationAsync(ClientHarness.LoggedIn(), body, CancellationToken.None);

        Assert.True(started.IsSuccess, started.Failure?.Message);
        Assert.Equal(
            ["/backend-api/sentinel/chat-requirements/prepare", "/backend-api/sentinel/chat-requirements/finalize",
             "/backend-api/f/conversation/prepare", "/backend-api/f/conversation"],
            harness.Paths);
        foreach (var request in harness.Handler.Requests)
        {
            Assert.Equal("Bearer access-token-value", request.Header("Authorization"));
            Assert.Equal(ClientHarness.DeviceId, request.Header("Oai-Device-Id"));
            Assert.Equal("ws-team", request.Header("ChatGPT-Account-ID"));
            Assert.Equal("en-US", request.Header("Oai-Language"));
            Assert.Equal(harness.Options.UserAgent, request.Header("User-Agent"));
        }

        var requests = harness.Handler.Requests;
        var p = Json(requests[0])["p"]!.GetValue<string>();
        Assert.StartsWith("gAAAAAC", p);
        Assert.EndsWith("~S", p);

        var finalize = Json(requests[1]);
        Assert.Equal("prep-1", finalize["prepare_token"]!.GetValue<string>());
        var proof = finalize["proofofwork"]!.GetValue<string>();
        Assert.True(ProofOfWorkVerifier.IsValid(proof, Seed, "0fff", fnv: true));

        var prepare = requests[2];
        Assert.Equal(string.Empty, prepare.Header("X-Conduit-Token"));
        var prepareBody = Json(prepare);
        Assert.Equal("success", prepareBody["client_prepare_state"]!.GetValue<string>());
        Assert.Equal("gpt-5-2", prepareBody["model"]!.GetValue<string>());
        Assert.Equal("Say hi", prepareBody["partial_query"]!["content"]!["parts"]![0]!.GetValue<string>());

        var conversation = requests[3];
        Assert.Equal("chat-req-1", conversation.Header("OpenAI-Sentinel-Chat-Requirements-Token"));
        Assert.Equal(proof, conversation.Header("OpenAI-Sentinel-Proof-Token"));
        Assert.Equal("conduit-1", conversation.Header("X-Conduit-Token"));
        Assert.Equal("text/event-stream", conversation.Header("Accept"));
        var sent = Json(conversation);
        Assert.Equal("success", sent["client_prepare_state"]!.GetValue<string>());
        Assert.Equal(body["messages"]!.ToJsonString(), sent["messages"]!.ToJsonString());
        Assert.False(body.ContainsKey("client_prepare_state"));    // the caller's object is not mutated

        await using var stream = started.Value;
        var events = await ReadAllAsync(stream);
        Assert.Equal("Here\u2019s a list: one, two.", DecoderHarness.Text(events));
        Assert.Equal(new AssistantTurnFinished("stop"), events[^1]);
    }

    [Theory]
    [InlineData(false, "[]")]
    [InlineData(true, "[\"v1\"]")]
    public async Task Legacy_flow_runs_chat_requirements_then_conversation_with_a_sha3_proof(bool deltaEncoding, string encodings)
    {
        var harness = new ClientHarness(LegacyUpstream, o =>
        {
            o.Flow = ChatGptFlow.Legacy;
            o.LegacyDeltaEncoding = deltaEncoding;
        });
        var body = ConversationBody();
        body["supported_encodings"] = new JsonArray("v1", "v2");

        var started = await harness.Client.StartConversationAsync(ClientHarness.LoggedIn(team: null), body, CancellationToken.None);

        Assert.True(started.IsSuccess, started.Failure?.Message);
        Assert.Equal(["/backend-api/sentinel/chat-requirements", "/backend-api/conversation"], harness.Paths);
        var requests = harness.Handler.Requests;
        Assert.False(Json(requests[0])["p"]!.GetValue<string>().EndsWith("~S", StringComparison.Ordinal));
        Assert.Null(requests[1].Header("ChatGPT-Account-ID"));
        Assert.Null(requests[1].Header("X-Conduit-Token"));
        Assert.Equal("legacy-token", requests[1].Header("OpenAI-Sentinel-Chat-Requirements-Token"));
        Assert.True(ProofOfWorkVerifier.IsValid(requests[1].Header("OpenAI-Sentinel-Proof-Token")!, Seed, "0fff", fnv: false));
        Assert.Equal(encodings, Json(requests[1])["supported_encodings"]!.ToJsonString());

        await using var stream = started.Value;
        Assert.Equal("Hello", DecoderHarness.Text(await ReadAllAsync(stream)));
    }

    [Fact]
    public async Task Anonymous_calls_use_backend_anon_without_authorization()
    {
        var harness = new ClientHarness(NewestUpstream);

        var started = await harness.Client.StartConversationAsync(ClientHarness.Anonymous(), ConversationBody(), CancellationToken.None);

        Assert.True(started.IsSuccess);
        await started.Value.DisposeAsync();
        Assert.All(harness.Handler.Requests, r =>
        {
            Assert.StartsWith("/backend-anon/", r.Path, StringComparison.Ordinal);
            Assert.Null(r.Header("Authorization"));
            Assert.Equal(ClientHarness.DeviceId, r.Header("Oai-Device-Id"));
            Assert.Equal("oai-did=" + ClientHarness.DeviceId, r.Header("Cookie"));
        });
    }

    [Fact]
    public async Task Pass_through_copies_the_exact_bytes_and_observes_the_events()
    {
        var harness = new ClientHarness(NewestUpstream);
        var started = await harness.Client.StartConversationAsync(ClientHarness.LoggedIn(), ConversationBody(), CancellationToken.None);
        await using var stream = started.Value!;
        var destination = new FlushCountingStream();
        var observed = new List<ConversationEvent>();

        await stream.CopyRawToAsync(destination, observed.Add, CancellationToken.None);

        Assert.Equal(DecoderHarness.ResearchSample, destination.Text);
        Assert.True(destination.Flushes >= 15);
        Assert.Equal(new ConversationIdentified("conv-1", "asst-1"), observed[1]);
        Assert.Equal(new AssistantTurnFinished("stop"), observed[^1]);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_breaks_the_stream()
    {
        var half = DecoderHarness.ResearchSample[..600];
        var harness = new ClientHarness(r => r.Path.EndsWith("/f/conversation", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StreamContent(new TrickleStream(System.Text.Encoding.UTF8.GetBytes(half), 64, new IOException("reset"))),
            }
            : NewestUpstream(r));
        var started = await harness.Client.StartConversationAsync(ClientHarness.LoggedIn(), ConversationBody(), CancellationToken.None);
        await using var stream = started.Value!;
        var received = new List<ConversationEvent>();

        var broken = await Assert.ThrowsAsync<UpstreamStreamBrokenException>(async () =>
        {
            await foreach (var conversationEvent in stream.ReadEventsAsync(CancellationToken.None))
            {
                received.Add(conversationEvent);
            }
        });

        Assert.IsType<IOException>(broken.InnerException);
        Assert.Contains(new ConversationIdentified("conv-1", null), received);
    }

    [Fact]
    public async Task A_stream_can_be_read_only_once()
    {
        var harness = new ClientHarness(NewestUpstream);
        var started = await harness.Client.StartConversationAsync(ClientHarness.LoggedIn(), ConversationBody(), CancellationToken.None);
        await using var stream = started.Value!;
        await ReadAllAsync(stream);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CopyRawToAsync(Stream.Null, null, CancellationToken.None));
    }

    internal static JsonObject ConversationBody() => JsonNode.Parse("""
        {"action":"next","messages":[{"id":"m-1","author":{"role":"user"},"content":{"content_type":"text","parts":["Say hi"]},"metadata":{}}],
         "parent_message_id":"client-created-root","model":"gpt-5-2","timezone_offset_min":0,"history_and_training_disabled":true}
        """)!.AsObject();

    internal static HttpResponseMessage NewestUpstream(RecordedRequest request) => request.Path switch
    {
        var p when p.EndsWith("/sentinel/chat-requirements/prepare", StringComparison.Ordinal) => StubHttpHandler.Json(HttpStatusCode.OK,
            $$"""{"persona":"chatgpt-paid","prepare_token":"prep-1","proofofwork":{"required":true,"seed":"{{Seed}}","difficulty":"0fff"},"turnstile":{"required":false},"so":{"required":false},"force_login":false}"""),
        var p when p.EndsWith("/sentinel/chat-requirements/finalize", StringComparison.Ordinal) => StubHttpHandler.Json(HttpStatusCode.OK,
            """{"persona":"chatgpt-paid","token":"chat-req-1","expire_after":540,"expire_at":1767133302}"""),
        var p when p.EndsWith("/f/conversation/prepare", StringComparison.Ordinal) => StubHttpHandler.Json(HttpStatusCode.OK,
            """{"status":"ok","conduit_token":"conduit-1"}"""),
        var p when p.EndsWith("/f/conversation", StringComparison.Ordinal) => StubHttpHandler.EventStream(DecoderHarness.ResearchSample),
        _ => new HttpResponseMessage(HttpStatusCode.NotFound),
    };

    private static HttpResponseMessage LegacyUpstream(RecordedRequest request) => request.Path switch
    {
        "/backend-api/sentinel/chat-requirements" => StubHttpHandler.Json(HttpStatusCode.OK,
            $$"""{"persona":"chatgpt-paid","token":"legacy-token","proofofwork":{"required":true,"seed":"{{Seed}}","difficulty":"0fff"},"turnstile":{"required":true,"dx":"abc"},"arkose":{"required":false},"force_login":false}"""),
        "/backend-api/conversation" => StubHttpHandler.EventStream(
            """data: {"message":{"id":"a1","author":{"role":"assistant"},"content":{"content_type":"text","parts":["Hello"]},"status":"finished_successfully","end_turn":true,"metadata":{"finish_details":{"type":"stop"}},"recipient":"all"},"conversation_id":"c1","error":null}""" + "\n\ndata: [DONE]\n\n"),
        _ => new HttpResponseMessage(HttpStatusCode.NotFound),
    };

    private static JsonNode Json(RecordedRequest request) => JsonNode.Parse(request.Body!)!;

    private static async Task<List<ConversationEvent>> ReadAllAsync(ConversationStream stream)
    {
        var events = new List<ConversationEvent>();
        await foreach (var conversationEvent in stream.ReadEventsAsync(CancellationToken.None))
        {
            events.Add(conversationEvent);
        }

        return events;
    }
}
