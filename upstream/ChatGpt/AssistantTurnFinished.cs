namespace MirrorGate.Upstream.ChatGpt;

/// <summary>The visible assistant message finished; <paramref name="FinishType"/> is <c>finish_details.type</c> (<c>stop</c>, <c>max_tokens</c>, …).</summary>
public sealed record AssistantTurnFinished(string FinishType) : ConversationEvent;
