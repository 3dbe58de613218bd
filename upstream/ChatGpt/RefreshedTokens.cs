namespace MirrorGate.Upstream.ChatGpt;

/// <summary>What a refresh-token exchange returned.</summary>
/// <param name="AccessToken">The new bearer.</param>
/// <param name="RefreshToken">A rotated refresh token, when the server rotated it: persist it before anything else.</param>
/// <param name="ExpiresAt">When the access token expires (from <c>expires_in</c>, else from its <c>exp</c> claim).</param>
public sealed record RefreshedTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt)
{
    /// <summary>Keeps the tokens out of logs.</summary>
    public override string ToString() => $"RefreshedTokens {{ Rotated = {RefreshToken is not null}, ExpiresAt = {ExpiresAt} }}";
}
