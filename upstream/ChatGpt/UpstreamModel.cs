namespace MirrorGate.Upstream.ChatGpt;

/// <summary>One model of <c>/backend-api/models</c>.</summary>
public sealed record UpstreamModel(string Slug, string? Title, int? MaxTokens);
