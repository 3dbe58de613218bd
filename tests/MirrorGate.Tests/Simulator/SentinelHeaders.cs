namespace MirrorGate.Tests.Simulator;

/// <summary>What a conversation POST carries after the handshakes.</summary>
/// <param name="RequirementsToken">OpenAI-Sentinel-Chat-Requirements-Token.</param>
/// <param name="Proof">OpenAI-Sentinel-Proof-Token (null when not required).</param>
/// <param name="Conduit">X-Conduit-Token (newest flow only).</param>
internal sealed record SentinelHeaders(string RequirementsToken, string? Proof, string? Conduit);
