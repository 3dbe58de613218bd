namespace MirrorGate.UpstreamSim;

/// <summary>A snapshot of a conversation the simulator keeps (never one with history disabled).</summary>
/// <param name="Id">Conversation id.</param>
/// <param name="OwnerEmail">Email of the owning account; null for an anonymous device.</param>
/// <param name="Title">Title the stream announced.</param>
/// <param name="CurrentNode">Id of the newest leaf (last assistant message).</param>
/// <param name="Messages">Every message in the order it was added (the empty root node excluded).</param>
/// <param name="CreateTime">When the first turn arrived.</param>
/// <param name="UpdateTime">When the last turn arrived.</param>
public sealed record SimConversation(
    string Id,
    string? OwnerEmail,
    string Title,
    string CurrentNode,
    IReadOnlyList<SimMessage> Messages,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime);
