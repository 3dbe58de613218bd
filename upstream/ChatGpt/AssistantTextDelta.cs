namespace MirrorGate.Upstream.ChatGpt;

/// <summary>
/// New visible assistant text only: role <c>assistant</c>, recipient <c>all</c>, content type <c>text</c>,
/// channel <see langword="null"/> or <c>final</c> (thinking and tool traffic is not included).
/// </summary>
public sealed record AssistantTextDelta(string Text) : ConversationEvent;
