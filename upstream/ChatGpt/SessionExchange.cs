namespace MirrorGate.Upstream.ChatGpt;

/// <summary>What a session-token exchange returned.</summary>
/// <param name="AccessToken">The bearer.</param>
/// <param name="SessionToken">The rotated session cookie, when one came back: persist it before anything else.</param>
/// <param name="Email">The user's email, when the session names it.</param>
/// <param name="Expires">When the session expires.</param>
public sealed record SessionExchange(string AccessToken, string? SessionToken, string? Email, DateTimeOffset? Expires)
{
    /// <summary>Keeps the tokens out of logs.</summary>
    public override string ToString() => $"SessionExchange {{ Rotated = {SessionToken is not null}, Expires = {Expires} }}";
}
