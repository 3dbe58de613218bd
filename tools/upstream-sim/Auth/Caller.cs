using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Auth;

/// <summary>Who is calling a backend endpoint: a logged-in account, or an anonymous device.</summary>
/// <param name="Account">The bearer's account; null for <c>/backend-anon</c>.</param>
/// <param name="DeviceId">The <c>Oai-Device-Id</c> of an anonymous caller.</param>
/// <param name="WorkspaceId">The Team workspace chosen with <c>ChatGPT-Account-ID</c>, if any.</param>
internal sealed record Caller(AccountRecord? Account, string? DeviceId, string? WorkspaceId)
{
    public string? Email => Account?.Email;

    /// <summary>Key that owns sentinel tokens, conduit tokens and conversations.</summary>
    public string OwnerKey => Account is not null ? "acct:" + Account.Account.AccountId : "anon:" + DeviceId;

    public string PlanType => Account is null ? "free" : WorkspaceId is not null ? "team" : Account.Account.Plan;

    /// <summary>Sentinel persona (research §2).</summary>
    public string Persona => Account is null ? "chatgpt-noauth" : PlanType == "free" ? "chatgpt-freeaccount" : "chatgpt-paid";
}
