namespace MirrorGate.UpstreamSim;

/// <summary>One node of a simulated conversation as a test sees it.</summary>
/// <param name="Id">Message id (the client's id for user messages).</param>
/// <param name="ParentId">Parent node id; the root node's id for the hidden system message.</param>
/// <param name="Role">system, user, assistant…</param>
/// <param name="Text">Text parts joined.</param>
/// <param name="Model">Model slug the assistant answered with; null for other roles.</param>
public sealed record SimMessage(string Id, string? ParentId, string Role, string Text, string? Model);
