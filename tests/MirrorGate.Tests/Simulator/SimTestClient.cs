using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>A minimal upstream client for the tests: raw HTTP against the simulator's socket, no cookie jar
/// (cookies are set by hand, as the gateway does).</summary>
internal sealed class SimTestClient(UpstreamSimulator sim) : IDisposable
{
    public const string Api = "/backend-api";
    public const string Anon = "/backend-anon";

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = sim.BaseUrl };

    public static JsonObject Body(string prompt, string? conversationId = null, string parent = "client-created-root",
        string model = "auto", bool historyDisabled = false, bool v1 = false)
    {
        var body = new JsonObject
        {
            ["action"] = "next",
            ["messages"] = new JsonArray(Message("user", prompt)),
            ["parent_message_id"] = parent,
            ["model"] = model,
            ["conversation_mode"] = new JsonObject { ["kind"] = "primary_assistant" },
            ["history_and_training_disabled"] = historyDisabled,
            ["timezone_offset_min"] = -60,
        };
        if (conversationId is not null)
        {
            body["conversation_id"] = conversationId;
        }

        if (v1)
        {
            body["supported_encodings"] = new JsonArray("v1");
        }

        return body;
    }

    public static JsonObject Message(string role, string text) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["author"] = new JsonObject { ["role"] = role },
        ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(text) },
        ["metadata"] = new JsonObject(),
    };

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer = null, JsonNode? body = null,
        IEnumerable<(string Name, string Value)>? headers = null, bool stream = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>prepare → solve (FNV-1a unless told otherwise) → finalize → f/conversation/prepare.</summary>
    public async Task<SentinelHeaders> NewestHandshakeAsync(string? bearer, string prefix = Api, string? device = null, bool sha3 = false)
    {
        var headers = DeviceHeaders(device);
        using var prepared = await SendAsync(HttpMethod.Post, $"{prefix}/sentinel/chat-requirements/prepare", bearer,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: true) }, headers);
        var challenge = await JsonAsync(prepared);
        var proof = Solve(challenge, sha3, newest: true);
        var finalizeBody = new JsonObject { ["prepare_token"] = challenge["prepare_token"]!.GetValue<string>() };
        if (proof is not null)
        {
            finalizeBody["proofofwork"] = proof;
        }

        using var finalized = await SendAsync(HttpMethod.Post, $"{prefix}/sentinel/chat-requirements/finalize", bearer, finalizeBody, headers);
        var token = (await JsonAsync(finalized))["token"]!.GetValue<string>();
        return new SentinelHeaders(token, proof, await ConduitAsync(bearer, prefix, device));
    }

    public async Task<string> ConduitAsync(string? bearer, string prefix = Api, string? device = null)
    {
        var headers = DeviceHeaders(device).Append(("X-Conduit-Token", ""));
        var body = new JsonObject { ["action"] = "next", ["model"] = "auto", ["client_prepare_state"] = "success", ["parent_message_id"] = "client-created-root" };
        using var response = await SendAsync(HttpMethod.Post, $"{prefix}/f/conversation/prepare", bearer, body, headers);
        return (await JsonAsync(response))["conduit_token"]!.GetValue<string>();
    }

    /// <summary>Legacy chat-requirements → solve (SHA3-512 unless told otherwise).</summary>
    public async Task<SentinelHeaders> LegacyHandshakeAsync(string? bearer, string prefix = Api, string? device = null, bool sha3 = true)
    {
        using var response = await SendAsync(HttpMethod.Post, $"{prefix}/sentinel/chat-requirements", bearer,
            new JsonObject { ["p"] = TestPowSolver.RequirementsToken(newest: false) }, DeviceHeaders(device));
        var challenge = await JsonAsync(response);
        return new SentinelHeaders(challenge["token"]!.GetValue<string>(), Solve(challenge, sha3, newest: false), null);
    }

    public Task<HttpResponseMessage> PostConversationAsync(string? bearer, JsonObject body, SentinelHeaders sentinel, bool newest,
        string prefix = Api, string? device = null)
    {
        var headers = DeviceHeaders(device).Append(("OpenAI-Sentinel-Chat-Requirements-Token", sentinel.RequirementsToken));
        if (sentinel.Proof is not null)
        {
            headers = headers.Append(("OpenAI-Sentinel-Proof-Token", sentinel.Proof));
        }

        if (newest)
        {
            headers = headers.Append(("X-Conduit-Token", sentinel.Conduit ?? ""));
        }

        return SendAsync(HttpMethod.Post, $"{prefix}/{(newest ? "f/conversation" : "conversation")}", bearer, body, headers.ToList(), stream: true);
    }

    /// <summary>A whole newest-flow turn, decoded.</summary>
    public async Task<V1StreamDecoder> NewestTurnAsync(string bearer, JsonObject body)
    {
        var sentinel = await NewestHandshakeAsync(bearer);
        using var response = await PostConversationAsync(bearer, body, sentinel, newest: true);
        Assert.Equal(200, (int)response.StatusCode);
        return V1StreamDecoder.Decode(await SseReader.ReadAllAsync(response));
    }

    public void Dispose() => Http.Dispose();

    private static IEnumerable<(string Name, string Value)> DeviceHeaders(string? device) =>
        device is null ? [] : [("Oai-Device-Id", device)];

    private static string? Solve(JsonObject challenge, bool sha3, bool newest)
    {
        var pow = challenge["proofofwork"]!;
        return pow["required"]!.GetValue<bool>()
            ? TestPowSolver.Solve(pow["seed"]!.GetValue<string>(), pow["difficulty"]!.GetValue<string>(), sha3, newest)
            : null;
    }
}
