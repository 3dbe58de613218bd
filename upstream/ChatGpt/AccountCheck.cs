namespace MirrorGate.Upstream.ChatGpt;

/// <summary>The workspaces an account belongs to, in the upstream's <c>account_ordering</c> order.</summary>
public sealed record AccountCheck(IReadOnlyList<WorkspaceInfo> Workspaces);
