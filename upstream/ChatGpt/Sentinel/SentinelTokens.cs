namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>The headers a conversation call carries after the sentinel: the chat-requirements token and, when asked for, the proof.</summary>
internal sealed record SentinelTokens(string ChatRequirementsToken, string? ProofToken);
