namespace MirrorGate.UpstreamSim;

/// <summary>A logged-in upstream account and its <em>current</em> credentials.</summary>
/// <remarks>The token properties always show the newest value the simulator issued (after a refresh,
/// a session exchange or <see cref="UpstreamSimulator.IssueAccessToken"/>); reads are safe from any thread.</remarks>
public sealed class SimAccount
{
    private string _plan;
    private string? _teamAccountId;
    private string _accessToken = "";
    private string _refreshToken = "";
    private string _sessionToken = "";

    internal SimAccount(string email, string accountId, string userId, string plan, string? teamAccountId)
    {
        Email = email;
        AccountId = accountId;
        UserId = userId;
        _plan = plan;
        _teamAccountId = teamAccountId;
    }

    public string Email { get; }

    /// <summary>The personal account id (a UUID), <c>chatgpt_account_id</c> in the access token.</summary>
    public string AccountId { get; }

    /// <summary><c>user-…</c> id, <c>chatgpt_user_id</c> in the access token.</summary>
    public string UserId { get; }

    /// <summary>Plan of the personal account: free, plus, pro, team…</summary>
    public string Plan
    {
        get => Volatile.Read(ref _plan);
        internal set => Volatile.Write(ref _plan, value);
    }

    /// <summary>Id of the Team workspace the user belongs to, sent back as <c>ChatGPT-Account-ID</c>.</summary>
    public string? TeamAccountId
    {
        get => Volatile.Read(ref _teamAccountId);
        internal set => Volatile.Write(ref _teamAccountId, value);
    }

    public string AccessToken
    {
        get => Volatile.Read(ref _accessToken);
        internal set => Volatile.Write(ref _accessToken, value);
    }

    public string RefreshToken
    {
        get => Volatile.Read(ref _refreshToken);
        internal set => Volatile.Write(ref _refreshToken, value);
    }

    public string SessionToken
    {
        get => Volatile.Read(ref _sessionToken);
        internal set => Volatile.Write(ref _sessionToken, value);
    }
}
