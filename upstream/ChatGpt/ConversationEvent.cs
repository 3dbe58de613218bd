namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Something the gateway needs from a conversation stream, decoded from either stream format.</summary>
public abstract record ConversationEvent;
