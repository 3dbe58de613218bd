namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// An asset pointer (<c>file-service://…</c>, <c>sediment://…</c>) seen in the stream for the first time: an image the
/// image tool made (research §6.2), or one the request itself carried and the stream echoed.
/// </summary>
public sealed record AssetPointerSeen(string Pointer) : ConversationEvent;
