namespace MirrorGate.Upstream.ChatGpt;

/// <summary>One entry of <c>accounts/check</c>.</summary>
/// <param name="AccountId">Workspace id; sent as <c>ChatGPT-Account-ID</c> when chosen.</param>
/// <param name="PlanType">Raw plan (<c>free</c>, <c>plus</c>, <c>team</c>…; older servers spelled Team <c>chatgptteamplan</c>).</param>
/// <param name="Structure"><c>personal</c> or (uncertain value) <c>workspace</c>.</param>
/// <param name="IsDeactivated">The workspace can no longer be used.</param>
/// <param name="Name">The workspace's display name, when it has one.</param>
public sealed record WorkspaceInfo(string AccountId, string PlanType, string? Structure, bool IsDeactivated, string? Name);
