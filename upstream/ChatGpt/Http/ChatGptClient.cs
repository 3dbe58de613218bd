using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt.Parsing;
using MirrorGate.Upstream.ChatGpt.Sentinel;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>The <see cref="IChatGptClient"/> over HTTP (docs/chatgpt-upstream.md is its contract).</summary>
internal sealed class ChatGptClient : IChatGptClient
{
    // Token exchanges have no account id at hand; logs name the operation instead (never the token).
    private const string TokenExchangeLogId = "token-exchange";

    private readonly ChatGptOptions _options;
    private readonly UpstreamCaller _caller;
    private readonly UpstreamRequestFactory _requests;
    private readonly ConversationStarter _conversations;

    public ChatGptClient(IOptions<ChatGptOptions> options, IUpstreamHttpClients clients, TimeProvider timeProvider, ILogger<ChatGptClient> logger)
    {
        _options = options.Value;
        _caller = new UpstreamCaller(clients, _options, timeProvider, logger);
        _requests = new UpstreamRequestFactory(_options);
        _conversations = new ConversationStarter(_caller, _requests, new SentinelClient(_caller, _requests, _options), _options);
    }

    public async Task<UpstreamResult<RefreshedTokens>> RefreshAsync(string refreshToken, string? proxyUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var body = JsonBody.Write((Options: _options, RefreshToken: refreshToken), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("client_id", state.Options.OAuthClientId);
            writer.WriteString("grant_type", "refresh_token");
            writer.WriteString("redirect_uri", state.Options.OAuthRedirectUri);
            writer.WriteString("refresh_token", state.RefreshToken);
            writer.WriteEndObject();
        });
        var now = _caller.TimeProvider.GetUtcNow();
        var result = await _caller.SendJsonAsync(_requests.OAuthToken(body), proxyUrl, TokenExchangeLogId,
            (root, _) => TokenResponseParser.Refresh(root, now), cancellationToken);
        return result.IsSuccess ? result : UpstreamResult<RefreshedTokens>.Fail(RefreshFailure(result.Failure));
    }

    public Task<UpstreamResult<SessionExchange>> ExchangeSessionTokenAsync(string sessionToken, string? proxyUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionToken);
        return _caller.SendJsonAsync(_requests.Session(sessionToken), proxyUrl, TokenExchangeLogId,
            static (root, response) => TokenResponseParser.Session(root, SessionCookie.FindRotated(response)), cancellationToken);
    }

    public Task<UpstreamResult<AccountCheck>> CheckAccountAsync(UpstreamCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.IsAnonymous)
        {
            // An anonymous device has no account and no workspaces; there is nothing to ask the upstream.
            return Task.FromResult(UpstreamResult<AccountCheck>.Ok(new AccountCheck([])));
        }

        var request = _requests.Backend(HttpMethod.Get, credential, UpstreamEndpoint.AccountsCheck);
        return _caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId,
            static (root, _) => AccountCheckParser.Parse(root), cancellationToken);
    }

    public Task<UpstreamResult<IReadOnlyList<UpstreamModel>>> ListModelsAsync(UpstreamCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var request = _requests.Backend(HttpMethod.Get, credential, UpstreamEndpoint.Models);
        return _caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId,
            static (root, _) => ModelListParser.Parse(root), cancellationToken);
    }

    public Task<UpstreamResult<JsonObject>> GetConversationAsync(UpstreamCredential credential, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var request = _requests.Backend(HttpMethod.Get, credential, UpstreamEndpoint.Conversation(conversationId));
        return _caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId,
            static (root, _) => JsonNode.Parse(root.GetRawText()) is JsonObject conversation
                ? UpstreamResult<JsonObject>.Ok(conversation)
                : UpstreamResult<JsonObject>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, null, "The upstream answered a conversation read with something other than an object.")),
            cancellationToken);
    }

    public Task<UpstreamResult<ConversationStream>> StartConversationAsync(UpstreamCredential credential, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(body);
        return _conversations.StartAsync(credential, body, cancellationToken);
    }

    /// <summary>
    /// Any 4xx from the token endpoint means "this refresh token is dead" (docs): the body shapes are uncertain, so the
    /// status decides. A 429 and a Cloudflare challenge say nothing about the token and keep their own kind.
    /// </summary>
    private static UpstreamFailure RefreshFailure(UpstreamFailure failure) =>
        failure.StatusCode is >= 400 and < 500 and not 429
        && failure.Kind != UpstreamFailureKind.Unauthorized
        && failure.Code != ErrorBody.CloudflareChallenge
            ? failure with { Kind = UpstreamFailureKind.Unauthorized }
            : failure;
}
