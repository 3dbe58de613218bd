using System.Text.Json.Nodes;
using MirrorGate.Upstream.ChatGpt.Parsing;
using MirrorGate.Upstream.ChatGpt.Sentinel;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Starts a conversation turn: sentinel, then (newest flow) one conduit prepare, then the conversation POST,
/// returning at the response headers. The browser calls prepare several times while the user types; the gateway
/// calls it once, because which of those calls the server enforces is uncertain (docs/chatgpt-upstream.md).
/// </summary>
internal sealed class ConversationStarter(UpstreamCaller caller, UpstreamRequestFactory requests, SentinelClient sentinel, ChatGptOptions options)
{
    public async Task<UpstreamResult<ConversationStream>> StartAsync(UpstreamCredential credential, JsonObject body, CancellationToken cancellationToken)
    {
        var sentinelResult = await sentinel.RunAsync(credential, cancellationToken);
        if (!sentinelResult.IsSuccess)
        {
            return UpstreamResult<ConversationStream>.Fail(sentinelResult.Failure);
        }

        var tokens = sentinelResult.Value;
        string? conduitToken = null;
        string endpoint;
        ReadOnlyMemory<byte> payload;
        if (options.Flow == ChatGptFlow.Newest)
        {
            var conduit = await PrepareConduitAsync(credential, body, cancellationToken);
            if (!conduit.IsSuccess)
            {
                return UpstreamResult<ConversationStream>.Fail(conduit.Failure);
            }

            conduitToken = conduit.Value;
            endpoint = UpstreamEndpoint.ConversationNewest;
            payload = ConversationBodies.Newest(body);
        }
        else
        {
            endpoint = UpstreamEndpoint.ConversationLegacy;
            payload = ConversationBodies.Legacy(body, options.LegacyDeltaEncoding);
        }

        var request = requests.Backend(HttpMethod.Post, credential, endpoint, payload, eventStream: true);
        request.Headers.TryAddWithoutValidation("OpenAI-Sentinel-Chat-Requirements-Token", tokens.ChatRequirementsToken);
        if (tokens.ProofToken is not null)
        {
            request.Headers.TryAddWithoutValidation("OpenAI-Sentinel-Proof-Token", tokens.ProofToken);
        }

        if (conduitToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Conduit-Token", conduitToken);
        }

        var started = caller.TimeProvider.GetTimestamp();
        var sent = await caller.SendForStreamAsync(request, credential.ProxyUrl, credential.LogId, cancellationToken);
        if (!sent.IsSuccess)
        {
            return UpstreamResult<ConversationStream>.Fail(sent.Failure);
        }

        var response = sent.Value;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var context = new StreamContext(caller.Logger, caller.TimeProvider, credential.LogId,
                UpstreamRequestFactory.BackendPath(credential, endpoint), started);
            return UpstreamResult<ConversationStream>.Ok(new ConversationStream(response, stream, context));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary><c>f/conversation/prepare</c> with an empty <c>X-Conduit-Token</c> → <c>{status, conduit_token}</c>; AUR tolerates a null token.</summary>
    private Task<UpstreamResult<string?>> PrepareConduitAsync(UpstreamCredential credential, JsonObject body, CancellationToken cancellationToken)
    {
        var request = requests.Backend(HttpMethod.Post, credential, UpstreamEndpoint.ConduitPrepare, ConversationBodies.ConduitPrepare(body));
        request.Headers.TryAddWithoutValidation("X-Conduit-Token", string.Empty);
        return caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId,
            static (root, _) => root.ValueKind == System.Text.Json.JsonValueKind.Object
                ? UpstreamResult<string?>.Ok(Json.NonEmpty(root, "conduit_token"))
                : UpstreamResult<string?>.Fail(Json.Protocol(200, "The conduit prepare answered something other than an object.")),
            cancellationToken);
    }
}
