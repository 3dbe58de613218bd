using MirrorGate.UpstreamSim.Accounts;
using MirrorGate.UpstreamSim.Conversations;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Faults;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Control;

/// <summary>The test-side operations, shared by <see cref="UpstreamSimulator"/> and the <c>/_sim/</c> endpoints.</summary>
internal sealed class SimulatorControl(
    AccountRegistry accounts,
    LoginIssuer logins,
    AccessTokenBook accessTokens,
    FaultBook faults,
    CallCounter calls,
    ConversationStore conversations,
    ILogger<SimulatorControl> logger)
{
    /// <summary>Adds an account, or logs an existing one in again (same ids, new token family and session).</summary>
    public SimAccount AddAccount(string email, string plan, TimeSpan? accessTokenLifetime, string? teamAccountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(plan);
        var record = accounts.Upsert(email, plan, teamAccountId);
        record.AccessTokenLifetime = accessTokenLifetime;
        logins.Login(record);
        SimLog.AccountLoggedIn(logger, email, plan);
        return record.Account;
    }

    public SimAccount GetAccount(string email) => accounts.Get(email).Account;

    public string IssueAccessToken(string email, TimeSpan lifetime) =>
        accessTokens.Issue(accounts.Get(email), familyId: null, lifetime).Token;

    public void RevokeAccessTokens(string email) => accessTokens.RevokeAll(accounts.Get(email));

    public void InjectFault(string email, SimFault fault)
    {
        _ = accounts.Get(email);
        faults.Add(email, fault);
    }

    public void ClearFaults(string email) => faults.Clear(email);

    public int CallCount(string endpoint, string? email) => calls.Count(endpoint, email);

    public IReadOnlyList<(string Endpoint, string? Email, int Count)> Calls() => calls.Snapshot();

    public void ResetCallCounts() => calls.Reset();

    public SimConversation? GetConversation(string conversationId)
    {
        var tree = conversations.Find(conversationId, ownerKey: null);
        if (tree is null)
        {
            return null;
        }

        lock (tree.Gate)
        {
            return tree.Snapshot();
        }
    }
}
