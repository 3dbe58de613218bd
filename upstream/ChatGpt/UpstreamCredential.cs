namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Who a backend call is made as.</summary>
/// <param name="LogId">The account id used in logs; the only part of a credential that is ever logged.</param>
/// <param name="AccessToken">The bearer; <see langword="null"/> for anonymous use (<c>/backend-anon</c>).</param>
/// <param name="DeviceId">The account's stable device UUID, sent as <c>Oai-Device-Id</c>.</param>
/// <param name="TeamAccountId">The chosen workspace, sent as <c>ChatGPT-Account-ID</c>.</param>
/// <param name="ProxyUrl">The account's proxy (<c>http://</c>, <c>socks5://</c>); <see langword="null"/> = direct.</param>
public sealed record UpstreamCredential(
    string LogId,
    string? AccessToken,
    string DeviceId,
    string? TeamAccountId = null,
    string? ProxyUrl = null)
{
    /// <summary>True when there is no bearer: calls go to <c>/backend-anon</c> without <c>Authorization</c>.</summary>
    public bool IsAnonymous => AccessToken is null;

    /// <summary>Keeps the bearer out of any accidental log or exception message.</summary>
    public override string ToString() =>
        $"UpstreamCredential {{ LogId = {LogId}, IsAnonymous = {IsAnonymous}, TeamAccountId = {TeamAccountId} }}";
}
