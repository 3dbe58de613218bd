using System.Text.Json.Nodes;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// The ChatGPT web backend, as the gateway's grains use it. Expected outcomes (401, 429, network trouble…)
/// are <see cref="UpstreamResult{T}"/> values; only caller cancellation and programming errors throw.
/// </summary>
public interface IChatGptClient
{
    /// <summary>Exchanges a refresh token at <c>{AuthBaseUrl}/oauth/token</c>. Save a returned refresh token before using the access token.</summary>
    Task<UpstreamResult<RefreshedTokens>> RefreshAsync(string refreshToken, string? proxyUrl, CancellationToken cancellationToken);

    /// <summary>Exchanges a session cookie at <c>/api/auth/session</c>. Save a rotated session token before using the access token.</summary>
    Task<UpstreamResult<SessionExchange>> ExchangeSessionTokenAsync(string sessionToken, string? proxyUrl, CancellationToken cancellationToken);

    /// <summary>Lists the account's workspaces (<c>accounts/check/v4-2023-04-27</c>).</summary>
    Task<UpstreamResult<AccountCheck>> CheckAccountAsync(UpstreamCredential credential, CancellationToken cancellationToken);

    /// <summary>Lists the models the account may use.</summary>
    Task<UpstreamResult<IReadOnlyList<UpstreamModel>>> ListModelsAsync(UpstreamCredential credential, CancellationToken cancellationToken);

    /// <summary>Reads one conversation as the web client does (<c>GET /backend-api/conversation/{id}</c>): title, times and the message mapping.</summary>
    Task<UpstreamResult<System.Text.Json.Nodes.JsonObject>> GetConversationAsync(UpstreamCredential credential, string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the sentinel (and its proof of work), the conduit prepare (newest flow), and POSTs the raw ChatGPT
    /// conversation body. Returns as soon as the upstream's response headers arrive: success is a stream to read
    /// (the caller disposes it); failure says why, before any byte reached the caller.
    /// </summary>
    Task<UpstreamResult<ConversationStream>> StartConversationAsync(UpstreamCredential credential, JsonObject body, CancellationToken cancellationToken);
}
