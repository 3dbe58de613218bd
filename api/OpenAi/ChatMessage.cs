namespace MirrorGate.Api.OpenAi;

/// <summary>One message of a chat completion request, with its content flattened to text.</summary>
public sealed record ChatMessage(string Role, string Text);
